"""API routes of the courses app under /api/v1/."""

from courses.api import views_catalogue, views_lessons

urlpatterns = views_catalogue.urlpatterns + views_lessons.urlpatterns
