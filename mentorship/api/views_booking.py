"""Booking in the API: a mentor's free slots, the signed-in mentor's weekly hours and
exceptions (``/me/availability/``), the user's sessions, booking, cancelling and moving one."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from idempotency.keys import IDEMPOTENCY_PARAMETER, idempotent
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import NotFound, ValidationError
from mentorship.selectors import booking as selectors
from mentorship.services import availability as availability_services
from mentorship.services import booking as booking_services

from .serializers_booking import (
    AvailabilityExceptionIn,
    AvailabilityExceptionOut,
    AvailabilityRuleIn,
    AvailabilityRuleOut,
    BookedSessionOut,
    MentorSlotsOut,
    MentorSlotsQueryIn,
    MySessionsQueryIn,
    SessionBookIn,
    SessionCancelIn,
    SessionRescheduleIn,
)

TAGS = ["mentorship"]
ERROR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input, with `errors` per field")
ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not signed in")
ERROR_403 = OpenApiResponse(
    ErrorSerializer, description="`not_mentor` / `not_participant`: not allowed to do this"
)
ERROR_404 = OpenApiResponse(ErrorSerializer, description="No such object, or not yours to see")
SLOT_TAKEN_EXAMPLE = {
    "message": "This time is no longer free. Please pick another slot.",
    "code": "slot_taken",
    "errors": {"starts_at": ["This time is no longer free."]},
}
ERROR_409_BOOK = OpenApiResponse(
    ErrorSerializer,
    description=(
        "`slot_taken`: the time is not (or no longer) a free slot, e.g. someone booked it "
        "first; `mentorship_not_active`; `not_bookable`"
    ),
    examples=[OpenApiExample("Slot taken", value=SLOT_TAKEN_EXAMPLE)],
)
ERROR_409_CHANGE = OpenApiResponse(
    ErrorSerializer,
    description=(
        "`session_not_booked`, `session_started`, `cancel_window_passed` / "
        "`reschedule_window_passed` (the mentee inside the mentor's window), `slot_taken`"
    ),
    examples=[
        OpenApiExample(
            "Too late",
            value={
                "message": "Sessions can be cancelled up to 12 hours before they start. "
                "Please write to your mentor.",
                "code": "cancel_window_passed",
            },
        )
    ],
)
ERROR_409_MENTOR = OpenApiResponse(
    ErrorSerializer, description="`no_mentor_profile`: create the mentor profile first"
)
USER = {"id": 7, "name": "Asha Rao", "avatar_url": None}
SESSION_EXAMPLE: dict[str, Any] = {
    "id": 12,
    "mentorship_id": 3,
    "mentor": USER,
    "mentee": {"id": 9, "name": "Dev Patel", "avatar_url": None},
    "starts_at": "2026-12-08T10:00:00.000000Z",
    "ends_at": "2026-12-08T11:00:00.000000Z",
    "status": "booked",
    "agenda": "Review my portfolio",
    "cancelled_at": None,
    "cancel_reason": "",
    "rescheduled_from_id": None,
    "ical_uid": "5f0c5f1e-8f0e-4c51-9a5e-0f3c7f1d2a11@kalpla",
    "ical_sequence": 0,
}
RULE_EXAMPLE = {
    "id": 4,
    "rrule": "FREQ=WEEKLY;BYDAY=MO,WE",
    "start_time": "09:00",
    "end_time": "12:00",
    "valid_from": "2026-12-01",
    "valid_until": None,
}
EXCEPTION_EXAMPLE = {
    "id": 2,
    "date": "2026-12-24",
    "kind": "off",
    "start_time": None,
    "end_time": None,
    "note": "Holiday",
}


def _page(view: APIView, request: Request, rows: Any, out: type[Any]) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(rows, request, view)
    return paginator.get_paginated_response(out(page, many=True, context={"request": request}).data)


def _list_example(item: dict[str, Any]) -> OpenApiExample:
    return OpenApiExample(
        "List",
        value={"count": 1, "next": None, "previous": None, "results": [item]},
        response_only=True,
    )


class MentorSlotsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="mentor_slots_list",
        summary="A mentor's free slots",
        description=(
            "Free slots of one length between `from` and `to` (UTC, at most 6 weeks apart), "
            "after the mentor's weekly hours and exceptions (kept in the mentor's zone, "
            "`mentor_timezone`, so they follow its daylight-saving changes), minimum notice, "
            "buffer, daily maximum and booking horizon, and without times the signed-in user "
            "already has a session. Show them in the user's own zone."
        ),
        parameters=[MentorSlotsQueryIn],
        responses={200: MentorSlotsOut, 400: ERROR_400, 401: ERROR_401, 404: ERROR_404},
        examples=[
            OpenApiExample(
                "Slots",
                value={
                    "mentor_profile_id": 5,
                    "mentor_timezone": "America/New_York",
                    "length_minutes": 60,
                    "start": "2026-12-07T00:00:00.000000Z",
                    "end": "2026-12-21T00:00:00.000000Z",
                    "results": [
                        {
                            "starts_at": "2026-12-08T14:00:00.000000Z",
                            "ends_at": "2026-12-08T15:00:00.000000Z",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, mentor_profile_id: int) -> Response:
        query = MentorSlotsQueryIn(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        profile = selectors.mentor_profile_get(mentor_profile_id=mentor_profile_id)
        data = query.validated_data
        lengths = list(profile.session_lengths or [])
        length = data.get("length") or min(lengths)
        if length not in lengths:
            message = f"Choose one of {', '.join(str(n) for n in lengths)}."
            raise ValidationError(message, errors={"length": [message]})
        start = data.get("from") or timezone.now()
        end = data.get("to") or start + selectors.SLOT_SEARCH_MAX
        if end <= start or end - start > selectors.SLOT_SEARCH_MAX:
            message = "`to` comes after `from`, at most 6 weeks later."
            raise ValidationError(message, errors={"to": [message]})
        mentee_id, moving = request.user.pk, None
        if data.get("moving"):
            session = selectors.session_get_for(user=request.user, session_id=data["moving"])
            if session.mentor_id != profile.user_id or not session.is_participant(request.user.pk):
                message = "Not one of your sessions with this mentor."
                raise ValidationError(message, errors={"moving": [message]})
            mentee_id, moving = session.mentee_id, session.pk
        slots = selectors.slot_search(
            profile=profile,
            length_minutes=length,
            start=start,
            end=end,
            mentee_id=mentee_id,
            moving=moving,
        )
        body = {
            "mentor_profile_id": profile.pk,
            "mentor_timezone": profile.timezone,
            "length_minutes": length,
            "from_": start,
            "to": end,
            "results": slots,
        }
        return Response(MentorSlotsOut(body).data)


class MyRulesApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_rules_list",
        summary="My weekly hours",
        description="The signed-in mentor's weekly rules (times in the mentor's own zone).",
        responses={
            200: AvailabilityRuleOut(many=True),
            401: ERROR_401,
            403: ERROR_403,
            409: ERROR_409_MENTOR,
        },
        examples=[_list_example(RULE_EXAMPLE)],
    )
    def get(self, request: Request) -> Response:
        profile = availability_services.own_mentor_profile(user=request.user)
        return _page(self, request, selectors.mentor_rules(profile=profile), AvailabilityRuleOut)

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_rules_create",
        summary="Add weekly hours",
        description=(
            "Give `weekdays` (MO..SU) or a raw RFC 5545 `rrule` (no DTSTART or COUNT), and "
            "the hours in the mentor's own zone."
        ),
        request=AvailabilityRuleIn,
        responses={
            201: AvailabilityRuleOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            409: ERROR_409_MENTOR,
        },
        examples=[
            OpenApiExample(
                "Weekdays",
                value={"weekdays": ["MO", "WE"], "start_time": "09:00", "end_time": "12:00"},
                request_only=True,
            ),
            OpenApiExample("Rule", value=RULE_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        availability_services.own_mentor_profile(user=request.user)
        data = AvailabilityRuleIn(data=request.data)
        data.is_valid(raise_exception=True)
        rule = availability_services.availability_rule_create(
            user=request.user, **data.validated_data
        )
        return Response(AvailabilityRuleOut(rule).data, status=201)


class MyRuleApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_rules_retrieve",
        summary="One of my weekly rules",
        responses={
            200: AvailabilityRuleOut,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_MENTOR,
        },
    )
    def get(self, request: Request, rule_id: int) -> Response:
        profile = availability_services.own_mentor_profile(user=request.user)
        rule = selectors.mentor_rules(profile=profile).filter(pk=rule_id).first()
        if rule is None:
            raise NotFound("Not found.")
        return Response(AvailabilityRuleOut(rule).data)

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_rules_partial_update",
        summary="Change weekly hours",
        request=AvailabilityRuleIn,
        responses={
            200: AvailabilityRuleOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_MENTOR,
        },
    )
    def patch(self, request: Request, rule_id: int) -> Response:
        availability_services.own_mentor_profile(user=request.user)
        data = AvailabilityRuleIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rule = availability_services.availability_rule_update(
            user=request.user, rule_id=rule_id, **data.validated_data
        )
        return Response(AvailabilityRuleOut(rule).data)

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_rules_destroy",
        summary="Remove weekly hours",
        description="Booked sessions stay booked.",
        responses={
            204: None,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_MENTOR,
        },
    )
    def delete(self, request: Request, rule_id: int) -> Response:
        availability_services.availability_rule_delete(user=request.user, rule_id=rule_id)
        return Response(status=204)


class MyExceptionsApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_exceptions_list",
        summary="My days off and extra hours",
        responses={
            200: AvailabilityExceptionOut(many=True),
            401: ERROR_401,
            403: ERROR_403,
            409: ERROR_409_MENTOR,
        },
        examples=[_list_example(EXCEPTION_EXAMPLE)],
    )
    def get(self, request: Request) -> Response:
        profile = availability_services.own_mentor_profile(user=request.user)
        return _page(
            self, request, selectors.mentor_exceptions(profile=profile), AvailabilityExceptionOut
        )

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_exceptions_create",
        summary="Add a day off or extra hours",
        description=(
            "`kind` `off` (default) without times takes the whole day off; with times, those "
            "hours. `extra` adds hours (times required). Times in the mentor's own zone."
        ),
        request=AvailabilityExceptionIn,
        responses={
            201: AvailabilityExceptionOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            409: ERROR_409_MENTOR,
        },
        examples=[OpenApiExample("Day off", value=EXCEPTION_EXAMPLE, response_only=True)],
    )
    def post(self, request: Request) -> Response:
        availability_services.own_mentor_profile(user=request.user)
        data = AvailabilityExceptionIn(data=request.data)
        data.is_valid(raise_exception=True)
        found = availability_services.availability_exception_create(
            user=request.user, **data.validated_data
        )
        return Response(AvailabilityExceptionOut(found).data, status=201)


class MyExceptionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_exceptions_retrieve",
        summary="One of my exceptions",
        responses={
            200: AvailabilityExceptionOut,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_MENTOR,
        },
    )
    def get(self, request: Request, exception_id: int) -> Response:
        profile = availability_services.own_mentor_profile(user=request.user)
        found = selectors.mentor_exceptions(profile=profile).filter(pk=exception_id).first()
        if found is None:
            raise NotFound("Not found.")
        return Response(AvailabilityExceptionOut(found).data)

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_exceptions_partial_update",
        summary="Change an exception",
        request=AvailabilityExceptionIn,
        responses={
            200: AvailabilityExceptionOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_MENTOR,
        },
    )
    def patch(self, request: Request, exception_id: int) -> Response:
        availability_services.own_mentor_profile(user=request.user)
        data = AvailabilityExceptionIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        found = availability_services.availability_exception_update(
            user=request.user, exception_id=exception_id, **data.validated_data
        )
        return Response(AvailabilityExceptionOut(found).data)

    @extend_schema(
        tags=TAGS,
        operation_id="me_availability_exceptions_destroy",
        summary="Remove an exception",
        responses={
            204: None,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_MENTOR,
        },
    )
    def delete(self, request: Request, exception_id: int) -> Response:
        availability_services.availability_exception_delete(
            user=request.user, exception_id=exception_id
        )
        return Response(status=204)


class MySessionsApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="me_sessions_list",
        summary="My mentoring sessions",
        description=(
            "Sessions as mentor or mentee. `when=upcoming` (default): booked and not yet "
            "over, soonest first; `when=past`: over or cancelled, latest first."
        ),
        parameters=[MySessionsQueryIn],
        responses={200: BookedSessionOut(many=True), 400: ERROR_400, 401: ERROR_401},
        examples=[_list_example(SESSION_EXAMPLE)],
    )
    def get(self, request: Request) -> Response:
        query = MySessionsQueryIn(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        rows = selectors.session_list_for(
            user=request.user, when=query.validated_data.get("when", "upcoming")
        )
        return _page(self, request, rows, BookedSessionOut)


class MentorshipSessionsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="mentorship_sessions_create",
        summary="Book a session",
        description=(
            "The mentee or the mentor of an active mentorship books one of the mentor's free "
            "slots (`GET /api/v1/mentors/{mentor_profile_id}/slots/`). Two requests for the "
            "same time: one gets 201, the other 409 `slot_taken`. Both people are notified "
            "and get a calendar invitation. Honours `Idempotency-Key`: a retry after a "
            "dropped answer gets the booked session again (not a 409 for its own booking)."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=SessionBookIn,
        responses={
            201: BookedSessionOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_BOOK,
        },
        examples=[
            OpenApiExample(
                "Book",
                value={
                    "starts_at": "2026-12-08T10:00:00Z",
                    "length_minutes": 60,
                    "agenda": "Review my portfolio",
                },
                request_only=True,
            ),
            OpenApiExample("Booked", value=SESSION_EXAMPLE, response_only=True),
        ],
    )
    @idempotent(scope="mentorship.sessions.book")
    def post(self, request: Request, mentorship_id: int) -> Response:
        mentorship = selectors.mentorship_get_for(user=request.user, mentorship_id=mentorship_id)
        data = SessionBookIn(data=request.data)
        data.is_valid(raise_exception=True)
        session = booking_services.session_book(
            mentorship=mentorship, by=request.user, **data.validated_data
        )
        return Response(BookedSessionOut(session, context={"request": request}).data, status=201)


class SessionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="sessions_retrieve",
        summary="A mentoring session",
        description="For its mentor and mentee (and staff); others get 404.",
        responses={200: BookedSessionOut, 401: ERROR_401, 404: ERROR_404},
        examples=[OpenApiExample("Session", value=SESSION_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, session_id: int) -> Response:
        session = selectors.session_get_for(user=request.user, session_id=session_id)
        return Response(BookedSessionOut(session, context={"request": request}).data)


class SessionCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="sessions_cancel",
        summary="Cancel a session",
        description=(
            "The mentee until the mentor's cancellation window (hours before the start), the "
            "mentor any time before the start. Both are notified; the calendar invitation "
            "is cancelled (same UID, higher SEQUENCE)."
        ),
        request=SessionCancelIn,
        responses={
            200: BookedSessionOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_CHANGE,
        },
    )
    def post(self, request: Request, session_id: int) -> Response:
        session = selectors.session_get_for(user=request.user, session_id=session_id)
        data = SessionCancelIn(data=request.data)
        data.is_valid(raise_exception=True)
        cancelled = booking_services.session_cancel(
            session=session, by=request.user, reason=data.validated_data.get("reason", "")
        )
        return Response(BookedSessionOut(cancelled, context={"request": request}).data)


class SessionRescheduleApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="sessions_reschedule",
        summary="Move a session to another slot",
        description=(
            "Answers with the NEW session (201); the old one is cancelled and points to it "
            "(`rescheduled_from_id` of the new one). The mentee until the mentor's reschedule "
            "window, the mentor any time before the start. A refused new time leaves the old "
            "booking as it was. Honours `Idempotency-Key`."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=SessionRescheduleIn,
        responses={
            201: BookedSessionOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409_CHANGE,
        },
    )
    @idempotent(scope="mentorship.sessions.reschedule")
    def post(self, request: Request, session_id: int) -> Response:
        session = selectors.session_get_for(user=request.user, session_id=session_id)
        data = SessionRescheduleIn(data=request.data)
        data.is_valid(raise_exception=True)
        new = booking_services.session_reschedule(
            session=session, by=request.user, **data.validated_data
        )
        return Response(BookedSessionOut(new, context={"request": request}).data, status=201)
