"""API of the calendar: the signed-in user's private feed and one session's invite."""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from kalpla.api.serializers import ErrorSerializer
from mentorship.api.serializers_calendar import CalendarFeedOut
from mentorship.models import CalendarFeed
from mentorship.selectors.calendar import calendar_feed_get, session_for_participant
from mentorship.services.calendar import calendar_feed_revoke, calendar_feed_rotate
from mentorship.views_calendar import feed_url, invite_response

NOT_SIGNED_IN = {401: OpenApiResponse(ErrorSerializer, description="Not signed in")}
FEED_EXAMPLE = OpenApiExample(
    "Feed on",
    value={
        "enabled": True,
        "url": "https://kalpla.example/calendar/Zk3…Q.ics",
        "created_at": "2026-12-01T09:30:00Z",
        "last_fetched_at": "2026-12-07T08:00:00Z",
    },
    response_only=True,
)
FEED_OFF_EXAMPLE = OpenApiExample(
    "Feed off",
    value={"enabled": False, "url": None, "created_at": None, "last_fetched_at": None},
    response_only=True,
)


def _feed_data(feed: CalendarFeed | None) -> dict[str, Any]:
    return CalendarFeedOut(
        {
            "enabled": feed is not None,
            "url": feed_url(feed.token) if feed else None,
            "created_at": feed.created_at if feed else None,
            "last_fetched_at": feed.last_fetched_at if feed else None,
        }
    ).data


class CalendarFeedApi(APIView):
    @extend_schema(
        tags=["mentorship"],
        operation_id="me_calendar_feed_get",
        summary="My calendar feed link",
        description=(
            "The private iCalendar link of the signed-in user: their mentoring sessions (both "
            "roles, the last 30 days and everything ahead; cancelled ones as "
            "`STATUS:CANCELLED`), live classes of their courses and assignment due dates. "
            "Anyone with the link can read it. `enabled` is false (and the other fields null) "
            "until `POST .../rotate/` makes one, and after `DELETE`."
        ),
        responses={200: CalendarFeedOut, **NOT_SIGNED_IN},
        examples=[FEED_EXAMPLE, FEED_OFF_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        return Response(_feed_data(calendar_feed_get(user=signed_in_user(request))))

    @extend_schema(
        tags=["mentorship"],
        operation_id="me_calendar_feed_delete",
        summary="Turn my calendar feed off",
        description="The link stops working (404). Idempotent: 204 also when it was off.",
        request=None,
        responses={204: None, **NOT_SIGNED_IN},
    )
    def delete(self, request: Request) -> Response:
        calendar_feed_revoke(user=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarFeedRotateApi(APIView):
    @extend_schema(
        tags=["mentorship"],
        operation_id="me_calendar_feed_rotate",
        summary="Make a new calendar feed link",
        description=(
            "A new secret link (turning the feed on if it was off); the previous link stops "
            "working at once."
        ),
        request=None,
        responses={200: CalendarFeedOut, **NOT_SIGNED_IN},
        examples=[FEED_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        return Response(_feed_data(calendar_feed_rotate(user=signed_in_user(request))))


SESSION_ID = OpenApiParameter(
    "session_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The session's id."
)


class SessionIcsApi(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        """Calendar clients ask for ``text/calendar`` only: the invite is that, and an error
        is still the JSON error body (not a 406)."""
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=["mentorship"],
        operation_id="sessions_ics",
        summary="Download a session's invite",
        description=(
            "The session as an iCalendar invite (`invite.ics`): `METHOD:REQUEST` with the "
            "session's UID and SEQUENCE, or `METHOD:CANCEL` once it is cancelled. For its "
            "mentor and mentee only; anyone else gets 404."
        ),
        parameters=[SESSION_ID],
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="iCalendar"),
            **NOT_SIGNED_IN,
            404: OpenApiResponse(ErrorSerializer, description="No such session (for you)"),
        },
    )
    def get(self, request: Request, session_id: int) -> HttpResponse:
        session = session_for_participant(session_id=session_id, user=signed_in_user(request))
        return invite_response(session)
