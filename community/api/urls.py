from django.urls import URLPattern, path

from community.api import views, views_chat, views_posts

urlpatterns: list[URLPattern] = [
    path("moderation/items/", views.ModerationQueueApi.as_view(), name="moderation-items"),
    path(
        "moderation/items/<int:item_id>/decide/",
        views.ModerationDecideApi.as_view(),
        name="moderation-item-decide",
    ),
    path("chat/rooms/", views_chat.RoomListApi.as_view(), name="chat-rooms"),
    path("chat/rooms/direct/", views_chat.DirectStartApi.as_view(), name="chat-direct-start"),
    path(
        "chat/rooms/<int:room_id>/messages/",
        views_chat.RoomMessagesApi.as_view(),
        name="chat-room-messages",
    ),
    path("chat/rooms/<int:room_id>/read/", views_chat.RoomReadApi.as_view(), name="chat-room-read"),
    path("chat/messages/<int:message_id>/", views_chat.MessageApi.as_view(), name="chat-message"),
    path("me/blocks/", views_chat.BlockListApi.as_view(), name="me-blocks"),
    path("me/blocks/<int:user_id>/", views_chat.BlockApi.as_view(), name="me-block"),
    path(
        "groups/<int:group_id>/posts/",
        views_posts.GroupPostsApi.as_view(),
        name="group-posts",
    ),
    path(
        "groups/<int:group_id>/posts/seen/",
        views_posts.GroupFeedSeenApi.as_view(),
        name="group-posts-seen",
    ),
    path("posts/<int:post_id>/", views_posts.PostApi.as_view(), name="post"),
    path("posts/<int:post_id>/pin/", views_posts.PostPinApi.as_view(), name="post-pin"),
    path("posts/<int:post_id>/lock/", views_posts.PostLockApi.as_view(), name="post-lock"),
    path(
        "posts/<int:post_id>/bookmark/",
        views_posts.PostBookmarkApi.as_view(),
        name="post-bookmark",
    ),
    path(
        "posts/<int:post_id>/reactions/",
        views_posts.PostReactionsApi.as_view(),
        name="post-reactions",
    ),
    path(
        "posts/<int:post_id>/comments/",
        views_posts.PostCommentsApi.as_view(),
        name="post-comments",
    ),
    path("comments/<int:comment_id>/", views_posts.CommentApi.as_view(), name="comment"),
    path(
        "comments/<int:comment_id>/reactions/",
        views_posts.CommentReactionsApi.as_view(),
        name="comment-reactions",
    ),
    path("me/feed/", views_posts.MyFeedApi.as_view(), name="me-feed"),
    path("me/feed/groups/", views_posts.MyFeedGroupsApi.as_view(), name="me-feed-groups"),
    path("me/bookmarks/", views_posts.MyBookmarksApi.as_view(), name="me-bookmarks"),
]
