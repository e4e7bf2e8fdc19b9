"""API: chat rooms, history, sending over HTTP, read state, direct messages and blocks.

The same services as the WebSocket (/ws/chat/<room_id>/): a message sent here is stored and
broadcast to the room's sockets like one sent there.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from community.api.serializers import (
    BlockIn,
    BlockOut,
    DirectStartIn,
    MessageEditIn,
    MessageOut,
    MessageSendIn,
    ReactionIn,
    RoomMemberOut,
    RoomOut,
    RoomReadIn,
    RoomReadOut,
)
from community.live import presence_online
from community.selectors import chat as selectors
from community.services import direct, messages
from kalpla.api.pagination import PageNumberPagination, PageSizeMixin
from kalpla.api.serializers import ErrorSerializer

TAGS = ["chat"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=str(_("Invalid input"))),
    401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
}
NOT_FOUND = {
    **ERRORS,
    404: OpenApiResponse(ErrorSerializer, description=str(_("No such room or message for you"))),
}
MESSAGE_EXAMPLE = {
    "id": 812,
    "room_id": 14,
    "seq": 57,
    "changed_seq": 63,
    "client_id": "web-1733480000-3",
    "author": {"id": 31, "name": "Ravi", "avatar_url": None},
    "parent_id": None,
    "parent": None,
    "body": "Is **lesson 3** out?",
    "body_html": "<p>Is <strong>lesson 3</strong> out?</p>",
    "created_at": "2026-12-06T09:30:00Z",
    "edited_at": None,
    "deleted": False,
    "reactions": [{"emoji": "👍", "count": 1, "user_ids": [7]}],
}
ROOM_EXAMPLE = {
    "id": 14,
    "kind": "channel",
    "title": "#general · Python basics",
    "channel": {
        "id": 3,
        "name": "general",
        "topic": "",
        "group": {"id": 2, "name": "Python basics", "kind": "course"},
    },
    "members": [],
    "unread": 4,
    "last_read_id": 808,
    "last_seq": 57,
    "change_seq": 63,
    "last_message_at": "2026-12-06T09:30:00Z",
    "socket_url": "/ws/chat/14/",
}


def room_row(member: Any, *, viewer_id: int) -> dict[str, Any]:
    """A room as the list and the site show it (``member`` from ``room_list``)."""
    room = member.room
    people = [m.user for m in getattr(room, "all_members", [])] if room.kind == "direct" else []
    return {
        "room_id": room.pk,
        "room": room,
        "title": selectors.room_title(member, viewer_id=viewer_id),
        "members": people,
        "unread": member.unread or 0,
        "last_read_id": member.last_read_id,
        "socket_url": f"/ws/chat/{room.pk}/",
    }


class HistoryPagination(PageSizeMixin, CursorPagination):
    page_size = selectors.HISTORY_PAGE
    ordering = "-id"


class RoomListApi(ListAPIView):
    serializer_class = RoomOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.room_list(user=AnonymousUser())
        return selectors.room_list(user=signed_in_user(self.request))

    @extend_schema(
        tags=TAGS,
        operation_id="chat_rooms_list",
        summary="My chat rooms with unread counts",
        description=(
            "Channels of my groups and my conversations, most recent activity first, each "
            "with `unread` (others' messages after my last read one) and its WebSocket path."
        ),
        responses={200: RoomOut(many=True), **ERRORS},
        examples=[OpenApiExample("A channel", value=ROOM_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        viewer = signed_in_user(request).pk
        rows = [room_row(member, viewer_id=viewer) for member in page]
        return self.get_paginated_response(RoomOut(rows, many=True).data)


class RoomMessagesApi(ListAPIView):
    serializer_class = MessageOut
    pagination_class = HistoryPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.message_history(room_id=0)
        user = signed_in_user(self.request)
        member = selectors.room_membership_get(room_id=self.kwargs["room_id"], user=user)
        return selectors.message_history(room_id=member.room_id, viewer=user)

    @extend_schema(
        tags=TAGS,
        operation_id="chat_room_messages_list",
        summary="A room's history, newest first",
        description=(
            "Cursor-paginated, 50 a page: follow `next` for older messages. Deleted "
            "messages stay as tombstones (`deleted: true`, no text) so `seq` has no gaps."
        ),
        responses={200: MessageOut(many=True), **NOT_FOUND},
        examples=[OpenApiExample("A message", value=MESSAGE_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="chat_room_messages_send",
        summary="Send a message",
        description=(
            "Stored, then broadcast to the room's sockets as `message.new`. 201 when stored; "
            "200 with the stored message when this `client_id` (or `Idempotency-Key`) was "
            "already used by you in this room. Blocked 1:1 conversations answer 403."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Same as `client_id` in the body.",
            )
        ],
        request=MessageSendIn,
        responses={
            201: MessageOut,
            200: MessageOut,
            403: OpenApiResponse(ErrorSerializer, description=str(_("Blocked"))),
            **NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "A message",
                value={"body": "Is **lesson 3** out?", "client_id": "web-1733480000-3"},
                request_only=True,
            ),
            OpenApiExample("Stored", value=MESSAGE_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request, room_id: int) -> Response:
        user = signed_in_user(request)
        member = selectors.room_membership_get(room_id=room_id, user=user)
        data = MessageSendIn(data=request.data)
        data.is_valid(raise_exception=True)
        client_id = data.validated_data["client_id"] or request.headers.get("Idempotency-Key", "")
        message, created = messages.message_send(
            room=member.room,
            author=user,
            body=data.validated_data["body"],
            client_id=client_id[:64],
            parent_id=data.validated_data["parent_id"],
        )
        return Response(
            messages.message_data(selectors.message_payload_get(message_id=message.pk)),
            status=201 if created else 200,
        )


class MessageApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="chat_messages_edit",
        summary="Edit my message",
        description="The earlier text is kept. Broadcast as `message.edited`.",
        request=MessageEditIn,
        responses={
            200: MessageOut,
            403: OpenApiResponse(ErrorSerializer, description=str(_("Not the author"))),
            **NOT_FOUND,
        },
        examples=[OpenApiExample("New text", value={"body": "Fixed"}, request_only=True)],
    )
    def patch(self, request: Request, message_id: int) -> Response:
        user = signed_in_user(request)
        message = selectors.message_get(message_id=message_id, user=user)
        data = MessageEditIn(data=request.data)
        data.is_valid(raise_exception=True)
        messages.message_edit(message=message, user=user, body=data.validated_data["body"])
        return Response(
            messages.message_data(selectors.message_get(message_id=message_id, user=user))
        )

    @extend_schema(
        tags=TAGS,
        operation_id="chat_messages_delete",
        summary="Delete a message",
        description=(
            "Its author, the group's owners and moderators, and site moderators. The message "
            "stays as a tombstone; broadcast as `message.deleted`. Idempotent."
        ),
        request=None,
        responses={
            200: MessageOut,
            403: OpenApiResponse(ErrorSerializer, description=str(_("Not allowed"))),
            **NOT_FOUND,
        },
    )
    def delete(self, request: Request, message_id: int) -> Response:
        user = signed_in_user(request)
        message = selectors.message_get(message_id=message_id, user=user)
        messages.message_delete(message=message, user=user)
        return Response(
            messages.message_data(selectors.message_get(message_id=message_id, user=user))
        )


class MessageReactionsApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="chat_messages_react",
        summary="React to a message, or take the reaction back",
        description=(
            "Adds your `emoji` (or takes it back with `on: false`); idempotent. Broadcast as "
            "`message.reactions` and answered with the message and its reactions."
        ),
        request=ReactionIn,
        responses={200: MessageOut, **NOT_FOUND},
        examples=[
            OpenApiExample("React", value={"emoji": "👍"}, request_only=True),
            OpenApiExample("Take back", value={"emoji": "👍", "on": False}, request_only=True),
        ],
    )
    def post(self, request: Request, message_id: int) -> Response:
        user = signed_in_user(request)
        message = selectors.message_get(message_id=message_id, user=user)
        data = ReactionIn(data=request.data)
        data.is_valid(raise_exception=True)
        messages.reaction_set(
            message=message,
            user=user,
            emoji=data.validated_data["emoji"],
            on=data.validated_data["on"],
        )
        return Response(
            messages.message_data(selectors.message_get(message_id=message_id, user=user))
        )


class RoomMembersApi(ListAPIView):
    serializer_class = RoomMemberOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.room_people(room_id=0)
        member = selectors.room_membership_get(
            room_id=self.kwargs["room_id"], user=signed_in_user(self.request)
        )
        return selectors.room_people(room_id=member.room_id)

    @extend_schema(
        tags=TAGS,
        operation_id="chat_room_members_list",
        summary="A room's members",
        description=(
            "Everyone who may read the room, by name, with their read state (`last_read_id`: "
            "read receipts) and whether they are connected now (`online`, as the socket's "
            "`presence` frames say). Members only."
        ),
        responses={200: RoomMemberOut(many=True), **NOT_FOUND},
        examples=[
            OpenApiExample(
                "A member",
                value={
                    "user": {"id": 7, "name": "Meera", "avatar_url": None},
                    "last_read_id": 808,
                    "joined_at": "2026-12-01T10:00:00Z",
                    "online": True,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        online = set(presence_online(room_id=self.kwargs["room_id"])) if page else set()
        rows = [
            {
                "user": m.user,
                "last_read_id": m.last_read_id,
                "joined_at": m.joined_at,
                "online": m.user_id in online,
            }
            for m in page
        ]
        return self.get_paginated_response(RoomMemberOut(rows, many=True).data)


class RoomReadApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="chat_rooms_read",
        summary="Mark a room read up to a message",
        request=RoomReadIn,
        responses={200: RoomReadOut, **NOT_FOUND},
        examples=[
            OpenApiExample("Read up to", value={"message_id": 812}, request_only=True),
            OpenApiExample(
                "Marked",
                value={"room_id": 14, "last_read_id": 812, "unread": 0},
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, room_id: int) -> Response:
        user = signed_in_user(request)
        member = selectors.room_membership_get(room_id=room_id, user=user)
        data = RoomReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        member = messages.room_mark_read(
            member=member, message_id=data.validated_data["message_id"]
        )
        unread = selectors.room_unread(member=member)
        return Response({"room_id": room_id, "last_read_id": member.last_read_id, "unread": unread})


class DirectStartApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="chat_direct_start",
        summary="Start (or find) a direct conversation",
        description=(
            "With people you share a group with (a course's students and mentors always do). "
            "A 1:1 conversation is found again (200); a new one, or a group of up to 10 "
            "people, is made (201). 403 `cannot_message` when someone is out of reach or a "
            "block stands between you."
        ),
        request=DirectStartIn,
        responses={
            201: RoomOut,
            200: RoomOut,
            403: OpenApiResponse(ErrorSerializer, description=str(_("Out of reach"))),
            404: OpenApiResponse(ErrorSerializer, description=str(_("No such person"))),
            **ERRORS,
        },
        examples=[OpenApiExample("1:1", value={"user_ids": [7]}, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        data = DirectStartIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        room, created = direct.direct_room_start(
            user=user, other_ids=data.validated_data["user_ids"]
        )
        member = selectors.room_list(user=user).get(room_id=room.pk)
        return Response(
            RoomOut(room_row(member, viewer_id=user.pk)).data, status=201 if created else 200
        )


class BlockListApi(ListAPIView):
    serializer_class = BlockOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.block_list(user=AnonymousUser())
        return selectors.block_list(user=signed_in_user(self.request))

    @extend_schema(
        tags=TAGS,
        operation_id="me_blocks_list",
        summary="People I blocked",
        responses={200: BlockOut(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="me_blocks_create",
        summary="Block someone",
        description="They can no longer write to you 1:1, nor you to them. Idempotent.",
        request=BlockIn,
        responses={
            201: BlockOut,
            404: OpenApiResponse(ErrorSerializer, description=str(_("No such person"))),
            **ERRORS,
        },
        examples=[OpenApiExample("Block", value={"user_id": 7}, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        data = BlockIn(data=request.data)
        data.is_valid(raise_exception=True)
        block = direct.block_create(
            blocker=signed_in_user(request), blocked_id=data.validated_data["user_id"]
        )
        return Response(BlockOut(block).data, status=201)


class BlockApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="me_blocks_delete",
        summary="Unblock someone",
        request=None,
        responses={204: None, **NOT_FOUND},
    )
    def delete(self, request: Request, user_id: int) -> Response:
        direct.block_delete(blocker=signed_in_user(request), blocked_id=user_id)
        return Response(status=204)
