"""Site routes of posts, under /groups/: a group's home (its feed) and its posts."""

from django.urls import URLPattern, path

from community import views_posts

app_name = "posts"

POST = "<int:group_id>/posts/<int:post_id>/"

urlpatterns: list[URLPattern] = [
    path("<int:group_id>/", views_posts.group_home, name="group"),
    path("<int:group_id>/posts/new/", views_posts.post_create, name="create"),
    path(POST, views_posts.post_detail, name="post"),
    path(f"{POST}edit/", views_posts.post_edit, name="edit"),
    path(f"{POST}delete/", views_posts.post_delete, name="delete"),
    path(f"{POST}pin/", views_posts.post_pin, name="pin"),
    path(f"{POST}lock/", views_posts.post_lock, name="lock"),
    path(f"{POST}bookmark/", views_posts.post_bookmark, name="bookmark"),
    path(f"{POST}react/", views_posts.post_react, name="react"),
    path(f"{POST}comments/", views_posts.comment_create, name="comment"),
    path(f"{POST}comments/<int:comment_id>/edit/", views_posts.comment_edit, name="comment_edit"),
    path(
        f"{POST}comments/<int:comment_id>/react/",
        views_posts.comment_react,
        name="comment_react",
    ),
    path(
        f"{POST}comments/<int:comment_id>/delete/",
        views_posts.comment_delete,
        name="comment_delete",
    ),
]
