"""Site routes of the enrollments app, under /learning/."""

from django.urls import URLPattern, path

from enrollments import views

app_name = "enrollments"

urlpatterns: list[URLPattern] = [
    path("courses/<slug:slug>/enroll/", views.enroll, name="enroll"),
    path("courses/<slug:slug>/unenroll/", views.unenroll, name="unenroll"),
]
