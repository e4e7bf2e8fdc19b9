"""Site routes of the courses app, one module per area.

The learning pages (the lesson player and its file links) belong to enrollments, above
courses, yet keep their /courses/ paths and ``courses:`` names: kalpla/urls.py puts them
between these two lists, after the fixed ``teach/`` prefixes and before the catalogue's
``<slug>/`` patterns.
"""

from courses import views_authoring, views_catalogue

app_name = "courses"

authoring_urlpatterns = views_authoring.urlpatterns
catalogue_urlpatterns = views_catalogue.urlpatterns
