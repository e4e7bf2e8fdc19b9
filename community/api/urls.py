from django.urls import URLPattern, path

from community.api import views, views_chat, views_moderation

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
]
