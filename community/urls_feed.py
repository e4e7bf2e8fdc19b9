"""Site routes of the "my groups" feed, under /feed/."""

from django.urls import URLPattern, path

from community import views_posts

app_name = "feed"

urlpatterns: list[URLPattern] = [
    path("", views_posts.my_feed, name="feed"),
    path("bookmarks/", views_posts.my_bookmarks, name="bookmarks"),
]
