"""Site routes of the chat, under /chat/."""

from django.urls import URLPattern, path

from community import views_chat

app_name = "chat"

urlpatterns: list[URLPattern] = [
    path("", views_chat.chat_rooms, name="rooms"),
    path("<int:room_id>/", views_chat.chat_room, name="room"),
    path("<int:room_id>/send/", views_chat.chat_send, name="send"),
]
