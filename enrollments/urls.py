from django.urls import URLPattern

app_name = "enrollments"

urlpatterns: list[URLPattern] = []
