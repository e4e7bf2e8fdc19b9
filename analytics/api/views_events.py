"""API of the event stream: clients report events; staff export them as xAPI statements."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import pagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts.throttling import ApiKeyThrottle
from activity.visitor import visitor_id
from analytics.policies import analytics_can_view_platform
from analytics.selectors.events import event_range, xapi_statements
from analytics.services.events_ingest import MAX_BATCH, events_ingest
from kalpla.api.pagination import PageSizeMixin
from kalpla.api.serializers import ErrorSerializer
from kalpla.api.throttling import FixedWindowMixin
from kalpla.exceptions import PermissionDenied, ValidationError

from .serializers_events import (
    INGEST_REQUEST,
    INGEST_RESPONSE,
    XAPI_STATEMENT,
    XapiRangeIn,
)

TAGS = ["analytics"]
ERROR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input, with `errors` per field")
ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not signed in")
ERROR_403 = OpenApiResponse(ErrorSerializer, description="Staff only")
ERROR_429 = OpenApiResponse(ErrorSerializer, description="Too many batches; see Retry-After")


class EventsUserThrottle(FixedWindowMixin, SimpleRateThrottle):
    """Batches per signed-in user (scope ``events``)."""

    scope = "events"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class EventsAnonThrottle(FixedWindowMixin, SimpleRateThrottle):
    """Batches per anonymous client address (scope ``events_anon``, stricter): a visitor id
    is the client's to reset, its address is not."""

    scope = "events_anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class EventIngestApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [EventsUserThrottle, EventsAnonThrottle, ApiKeyThrottle]

    @extend_schema(
        tags=TAGS,
        operation_id="events_ingest",
        summary="Report a batch of learning events",
        description=(
            f"Up to {MAX_BATCH} events a batch from the site's JavaScript or a mobile app. "
            "Clients report what only they see: `video_progress` (the player's quartiles, "
            "`result.progress` 0.25/0.5/0.75/1.0 and `result.duration`, seconds watched since "
            "the previous report). Views, enrollments, completions, quizzes and payments are "
            "reported by the server itself.\n\n"
            "Each event has a client-made UUID `id`: a repeat is answered `duplicate` and not "
            "stored twice. `timestamp` is the client's clock when it happened and `sent_at` "
            "its clock when the batch left: the server stores `now - (sent_at - timestamp)`, "
            "which corrects a wrong device clock (clamped to the last 7 days).\n\n"
            "Signed-in users report as themselves; anonymous visitors by their first-party "
            "cookie or `anonymous_id` (apps). 200 when every event was accepted or a "
            "duplicate, 207 when some were rejected (see `results[].errors`), 400 when the "
            "batch or every event is invalid (errors keyed `events[i].field`). Batches are "
            "rate-limited per user and, more strictly, per anonymous client."
        ),
        request={"application/json": INGEST_REQUEST},
        responses={
            200: INGEST_RESPONSE,
            207: INGEST_RESPONSE,
            400: ERROR_400,
            429: ERROR_429,
        },
        examples=[
            OpenApiExample(
                "Two quartiles of a video",
                request_only=True,
                value={
                    "sent_at": "2026-03-01T10:15:02Z",
                    "platform": "web",
                    "events": [
                        {
                            "id": "9b2f7a4e-2a53-4a61-9f0e-6f1c1c0a0b01",
                            "verb": "video_progress",
                            "object": {"type": "lesson", "id": 42},
                            "course": 7,
                            "timestamp": "2026-03-01T10:14:30Z",
                            "result": {"progress": 0.25, "duration": 61.5},
                        }
                    ],
                },
            ),
            OpenApiExample(
                "Accepted",
                response_only=True,
                status_codes=["200"],
                value={
                    "accepted": 1,
                    "duplicates": 0,
                    "rejected": 0,
                    "results": [
                        {"id": "9b2f7a4e-2a53-4a61-9f0e-6f1c1c0a0b01", "status": "accepted"}
                    ],
                },
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        signed_in = bool(request.user and request.user.is_authenticated)
        body = request.data if isinstance(request.data, dict) else {}
        given = body.get("anonymous_id")
        if "anonymous_id" in body and not (isinstance(given, str) and 0 < len(given) <= 64):
            message = _("Send the app's install id, at most 64 characters, or leave it out.")
            raise ValidationError(message, errors={"anonymous_id": [message]})
        anonymous_id = ""
        if not signed_in:
            anonymous_id = given or visitor_id(request)
        data = request.data
        if isinstance(data, dict) and "anonymous_id" in data:
            data = {k: v for k, v in data.items() if k != "anonymous_id"}
        outcomes = events_ingest(
            data=data,
            actor_id=request.user.pk if signed_in else None,
            anonymous_id=anonymous_id,
        )
        counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
        results = []
        for outcome in outcomes:
            counts[outcome.status] += 1
            entry: dict[str, Any] = {"id": outcome.id, "status": outcome.status}
            if outcome.errors:
                entry["errors"] = outcome.errors
            results.append(entry)
        body = {
            "accepted": counts["accepted"],
            "duplicates": counts["duplicate"],
            "rejected": counts["rejected"],
            "results": results,
        }
        return Response(body, status=207 if counts["rejected"] else 200)


class XapiCursorPagination(PageSizeMixin, pagination.CursorPagination):
    """Oldest first, so an LRS can resume from the last page it fetched."""

    page_size = 100
    max_page_size = 500
    ordering = ("occurred_at", "id")


class XapiStatementListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_xapi_list",
        summary="Learning events as xAPI statements (staff)",
        description=(
            "Events of `[since, until)` as xAPI 1.0.3 statements, oldest first, cursor "
            "paginated (`next` until null; `page_size` up to 500), for a learning record "
            "store. Actors are accounts on this site (`account.name` is the user id, or "
            "`visitor:<id>` for an anonymous visitor), never email addresses. Courses are "
            "identified by their page's URL; other activities by IRIs under the platform's "
            "xAPI base. Staff only."
        ),
        parameters=[
            OpenApiParameter("since", str, required=True, description="ISO 8601 start (inclusive)"),
            OpenApiParameter("until", str, required=False, description="ISO 8601 end (exclusive)"),
            OpenApiParameter("cursor", str, required=False, description="From `next`"),
            OpenApiParameter("page_size", int, required=False, description="1 to 500"),
        ],
        responses={
            200: XAPI_STATEMENT,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: OpenApiResponse(ErrorSerializer, description="A cursor that points nowhere"),
        },
    )
    def get(self, request: Request) -> Response:
        if not analytics_can_view_platform(user=request.user):
            raise PermissionDenied(_("Only staff export events."), code="staff_only")
        params = XapiRangeIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator = XapiCursorPagination()
        page = paginator.paginate_queryset(
            event_range(
                since=params.validated_data["since"], until=params.validated_data.get("until")
            ),
            request,
            view=self,
        )
        return paginator.get_paginated_response(xapi_statements(list(page or [])))
