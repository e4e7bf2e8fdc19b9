"""API routes under /api/v1/: in-app list and preferences (views_inapp), devices and phone
(views_channels)."""

from notifications.api import views_channels, views_inapp

urlpatterns = views_inapp.urlpatterns + views_channels.urlpatterns
