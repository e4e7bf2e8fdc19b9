"""Site routes of the courses app, one module per area."""

from courses import views_authoring, views_catalogue, views_player

app_name = "courses"

# Fixed prefixes (teach/) before the catalogue's <slug>/ pattern.
urlpatterns = views_authoring.urlpatterns + views_player.urlpatterns + views_catalogue.urlpatterns
