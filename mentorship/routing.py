from django.urls import path

from mentorship.consumers import LiveClassConsumer, MeetingConsumer

websocket_urlpatterns = [
    path("ws/meetings/<int:session_id>/", MeetingConsumer.as_asgi()),
    path("ws/live/<int:live_class_id>/", LiveClassConsumer.as_asgi()),
]
