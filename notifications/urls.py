"""Site routes: in-app pages and preferences (views_inapp), email/phone pages (views_channels)."""

from notifications import views_channels, views_inapp

app_name = "notifications"

urlpatterns = views_inapp.urlpatterns + views_channels.urlpatterns
