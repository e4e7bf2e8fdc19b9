"""API: the signed-in user's notifications (list, read, read all, unread count) and their
notification preferences. Another user's notification is a 404."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from kalpla.api.pagination import NewestFirstCursorPagination
from kalpla.api.serializers import ErrorSerializer
from notifications import selectors
from notifications.api.serializers import (
    NotificationOut,
    NotificationPreferencesIn,
    NotificationPreferencesOut,
    NotificationsReadAllOut,
    NotificationUnreadCountOut,
    preferences_data,
)
from notifications.models import Notification
from notifications.services import inapp, preferences

TAGS = ["notifications"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=str(_("Invalid input"))),
    401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
}
NOT_FOUND = {
    401: ERRORS[401],
    404: OpenApiResponse(
        ErrorSerializer, description=str(_("No such notification (or not yours)"))
    ),
}

NOTIFICATION_EXAMPLE = {
    "id": 42,
    "kind": "account.password_changed",
    "category": "account",
    "title": "Your password was changed",
    "body": "If you did not do this, reset your password right away.",
    "url": "/accounts/password/change/",
    "urgent": True,
    "is_read": False,
    "read_at": None,
    "created_at": "2026-11-25T09:30:00.000000Z",
}
PREFERENCES_IN_EXAMPLE = {
    "matrix": {
        "account": {"in_app": True, "email": True, "sms": False, "push": True},
        "announcements": {"in_app": True, "email": False, "sms": False, "push": False},
    },
    "quiet_start": "22:00",
    "quiet_end": "07:00",
    "digest": "daily",
}
PREFERENCES_OUT_EXAMPLE = {
    **PREFERENCES_IN_EXAMPLE,
    "timezone": "Asia/Kolkata",
    "categories": [
        {"category": "account", "name": "Account and security", "locked_channels": []},
        {"category": "announcements", "name": "News and announcements", "locked_channels": []},
    ],
    "channels": [
        {"channel": "in_app", "name": "In the app"},
        {"channel": "email", "name": "Email"},
        {"channel": "sms", "name": "SMS"},
        {"channel": "push", "name": "Push"},
    ],
}


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        method="filter_unread",
        help_text="`true`: only unread notifications; `false`: only read ones.",
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(
        self, queryset: QuerySet[Notification], name: str, value: bool | None
    ) -> QuerySet[Notification]:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class NotificationListApi(ListAPIView):
    serializer_class = NotificationOut
    pagination_class = NewestFirstCursorPagination
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list(user=signed_in_user(self.request))

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_list",
        summary="My notifications, newest first",
        description=(
            "Cursor-paginated: follow `next` for older notifications. New ones also arrive "
            "live on the `/ws/notifications/` WebSocket (`notification.new` frames)."
        ),
        responses={200: NotificationOut(many=True), **ERRORS},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "next": "https://kalpla.example/api/v1/notifications/?cursor=cD0yMDI2",
                    "previous": None,
                    "results": [NOTIFICATION_EXAMPLE],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationReadApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="notifications_read",
        summary="Mark one notification as read",
        description="Idempotent: marking a read notification again changes nothing.",
        request=None,
        responses={200: NotificationOut, **NOT_FOUND},
        examples=[
            OpenApiExample(
                "Read",
                value={
                    **NOTIFICATION_EXAMPLE,
                    "is_read": True,
                    "read_at": "2026-11-25T09:31:00.000000Z",
                },
                response_only=True,
            )
        ],
    )
    def post(self, request: Request, notification_id: int) -> Response:
        notification = selectors.notification_get(
            user=signed_in_user(request), notification_id=notification_id
        )
        notification, _count = inapp.notification_mark_read(notification=notification)
        return Response(NotificationOut(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="notifications_read_all",
        summary="Mark all my notifications as read",
        request=None,
        responses={200: NotificationsReadAllOut, 401: ERRORS[401]},
        examples=[
            OpenApiExample("Done", value={"marked": 3, "unread_count": 0}, response_only=True)
        ],
    )
    def post(self, request: Request) -> Response:
        marked = inapp.notifications_mark_all_read(user=signed_in_user(request))
        return Response(NotificationsReadAllOut({"marked": marked, "unread_count": 0}).data)


class UnreadCountApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="notifications_unread_count",
        summary="How many of my notifications are unread",
        responses={200: NotificationUnreadCountOut, 401: ERRORS[401]},
        examples=[OpenApiExample("Three", value={"count": 3}, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        count = selectors.unread_count(user_id=signed_in_user(request).pk)
        return Response(NotificationUnreadCountOut({"count": count}).data)


class NotificationPreferencesApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="notification_preferences_retrieve",
        summary="My notification preferences",
        description=(
            "`matrix` holds the effective choice for every category and channel (explicit "
            "choices, else the defaults). Quiet hours are local times in `timezone`: "
            "non-urgent SMS and push wait until they end. `digest` batches non-urgent email "
            "into one message a day (`daily`) or on Mondays (`weekly`)."
        ),
        responses={200: NotificationPreferencesOut, 401: ERRORS[401]},
        examples=[OpenApiExample("Preferences", value=PREFERENCES_OUT_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        return Response(
            NotificationPreferencesOut(preferences_data(user=signed_in_user(request))).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="notification_preferences_update",
        summary="Replace my notification preferences",
        description=(
            "Send the whole set: `matrix`, `quiet_start`, `quiet_end` and `digest`. Matrix "
            "cells left out go back to their defaults; channels listed in a category's "
            "`locked_channels` stay on. Quiet hours need both times or neither (`null`), and "
            "do not end when they start. "
            "An unknown category or channel, or a bad time, is a 400 with field errors."
        ),
        request=NotificationPreferencesIn,
        responses={200: NotificationPreferencesOut, **ERRORS},
        examples=[
            OpenApiExample(
                "Quiet nights, daily digest", value=PREFERENCES_IN_EXAMPLE, request_only=True
            ),
            OpenApiExample("Saved", value=PREFERENCES_OUT_EXAMPLE, response_only=True),
            OpenApiExample(
                "Unknown channel",
                value={
                    "message": "Please correct the errors below.",
                    "code": "invalid",
                    "errors": {"matrix": ["Unknown channel “fax” in “account”."]},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def put(self, request: Request) -> Response:
        s = NotificationPreferencesIn(data=request.data)
        s.is_valid(raise_exception=True)
        user = signed_in_user(request)
        preferences.preferences_update(user=user, **s.validated_data)
        return Response(NotificationPreferencesOut(preferences_data(user=user)).data)
