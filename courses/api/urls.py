"""API routes of the courses app under /api/v1/ (the lesson endpoints are enrollments')."""

from courses.api import views_catalogue

urlpatterns = views_catalogue.urlpatterns
