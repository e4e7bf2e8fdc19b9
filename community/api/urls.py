from django.urls import URLPattern, path

from community.api import (
    views,
    views_chat,
    views_groups,
    views_moderation,
    views_posts,
    views_search,
)

urlpatterns: list[URLPattern] = [
    path("moderation/items/", views.ModerationQueueApi.as_view(), name="moderation-items"),
    path(
        "moderation/items/<int:item_id>/decide/",
        views.ModerationDecideApi.as_view(),
        name="moderation-item-decide",
    ),
    path("moderation/audit/", views_moderation.AuditLogApi.as_view(), name="moderation-audit"),
    path("reports/", views_moderation.ReportApi.as_view(), name="reports"),
    path(
        "groups/<int:group_id>/moderation-policy/",
        views_moderation.GroupModerationPolicyApi.as_view(),
        name="group-moderation-policy",
    ),
    path("chat/rooms/", views_chat.RoomListApi.as_view(), name="chat-rooms"),
    path("chat/rooms/direct/", views_chat.DirectStartApi.as_view(), name="chat-direct-start"),
    path(
        "chat/rooms/<int:room_id>/messages/",
        views_chat.RoomMessagesApi.as_view(),
        name="chat-room-messages",
    ),
    path(
        "chat/rooms/<int:room_id>/members/",
        views_chat.RoomMembersApi.as_view(),
        name="chat-room-members",
    ),
    path("chat/rooms/<int:room_id>/read/", views_chat.RoomReadApi.as_view(), name="chat-room-read"),
    path("chat/messages/<int:message_id>/", views_chat.MessageApi.as_view(), name="chat-message"),
    path(
        "chat/messages/<int:message_id>/reactions/",
        views_chat.MessageReactionsApi.as_view(),
        name="chat-message-reactions",
    ),
    path("me/blocks/", views_chat.BlockListApi.as_view(), name="me-blocks"),
    path("me/blocks/<int:user_id>/", views_chat.BlockApi.as_view(), name="me-block"),
    path("groups/", views_groups.GroupListApi.as_view(), name="groups"),
    path("groups/<int:group_id>/", views_groups.GroupApi.as_view(), name="group"),
    path("groups/<int:group_id>/join/", views_groups.GroupJoinApi.as_view(), name="group-join"),
    path("groups/<int:group_id>/leave/", views_groups.GroupLeaveApi.as_view(), name="group-leave"),
    path(
        "groups/<int:group_id>/requests/",
        views_groups.JoinRequestListApi.as_view(),
        name="group-requests",
    ),
    path(
        "groups/<int:group_id>/requests/<int:request_id>/approve/",
        views_groups.JoinRequestApproveApi.as_view(),
        name="group-request-approve",
    ),
    path(
        "groups/<int:group_id>/requests/<int:request_id>/decline/",
        views_groups.JoinRequestDeclineApi.as_view(),
        name="group-request-decline",
    ),
    path(
        "groups/<int:group_id>/invitations/",
        views_groups.GroupInvitationListApi.as_view(),
        name="group-invitations",
    ),
    path(
        "groups/<int:group_id>/invitations/<int:invitation_id>/",
        views_groups.GroupInvitationApi.as_view(),
        name="group-invitation",
    ),
    path(
        "groups/<int:group_id>/members/",
        views_groups.MemberListApi.as_view(),
        name="group-members",
    ),
    path(
        "groups/<int:group_id>/members/<int:user_id>/",
        views_groups.MemberApi.as_view(),
        name="group-member",
    ),
    path(
        "groups/<int:group_id>/transfer/",
        views_groups.GroupTransferApi.as_view(),
        name="group-transfer",
    ),
    path(
        "groups/<int:group_id>/channels/",
        views_groups.ChannelListApi.as_view(),
        name="group-channels",
    ),
    path(
        "groups/<int:group_id>/channels/<int:channel_id>/",
        views_groups.ChannelApi.as_view(),
        name="group-channel",
    ),
    path("me/invitations/", views_groups.MyInvitationListApi.as_view(), name="me-invitations"),
    path(
        "me/invitations/<int:invitation_id>/accept/",
        views_groups.InvitationAcceptApi.as_view(),
        name="me-invitation-accept",
    ),
    path(
        "me/invitations/<int:invitation_id>/decline/",
        views_groups.InvitationDeclineApi.as_view(),
        name="me-invitation-decline",
    ),
    path("search/", views_search.SearchApi.as_view(), name="search"),
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
