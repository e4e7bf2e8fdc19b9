"""Site routes of the courses app, one module per area."""

from courses import views_authoring, views_catalogue, views_player

app_name = "courses"

urlpatterns = views_catalogue.urlpatterns + views_authoring.urlpatterns + views_player.urlpatterns
