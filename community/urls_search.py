"""Site route of community search, under /search/community/."""

from django.urls import URLPattern, path

from community import views_groups

app_name = "community_search"

urlpatterns: list[URLPattern] = [path("", views_groups.community_search, name="search")]
