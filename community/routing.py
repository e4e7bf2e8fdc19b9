from django.urls import path

from community.consumers import ChatConsumer, FeedConsumer

websocket_urlpatterns = [
    path("ws/chat/<int:room_id>/", ChatConsumer.as_asgi()),
    path("ws/groups/<int:group_id>/feed/", FeedConsumer.as_asgi()),
]
