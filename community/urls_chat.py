"""Site routes of the chat, under /chat/."""

from django.urls import URLPattern, path

from community import views_chat

app_name = "chat"

urlpatterns: list[URLPattern] = [
    path("", views_chat.chat_rooms, name="rooms"),
    path("new/", views_chat.chat_new, name="new"),
    path("<int:room_id>/", views_chat.chat_room, name="room"),
    path("<int:room_id>/send/", views_chat.chat_send, name="send"),
    path("<int:room_id>/read/", views_chat.chat_read, name="read"),
    path("messages/<int:message_id>/edit/", views_chat.chat_message_edit, name="edit"),
    path("messages/<int:message_id>/delete/", views_chat.chat_message_delete, name="delete"),
    path("messages/<int:message_id>/react/", views_chat.chat_message_react, name="react"),
    path("people/<int:user_id>/block/", views_chat.chat_block, name="block"),
]
