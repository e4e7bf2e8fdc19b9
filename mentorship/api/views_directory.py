"""Directory API: mentors (``/api/v1/mentors/``), the mentor's own profile and the learner's
preferences (``/api/v1/me/...``), suggestions with explanations, requests and mentorships."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.selectors.topics import tags_by_slugs
from enrollments.selectors import enrollment_list
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import NotFound, ValidationError
from mentorship.models import LearnerPreference, MentorshipRequest
from mentorship.selectors import requests as selectors
from mentorship.selectors.directory import (
    DirectoryFilters,
    mentor_cards_base,
    mentor_directory,
    mentor_profile_get,
)
from mentorship.selectors.matching import mentor_suggestions
from mentorship.services import mentorships as lifecycle
from mentorship.services import requests as request_services
from mentorship.services.profiles import (
    LANGUAGE_CODES,
    learner_preference_upsert,
    mentor_profile_upsert,
)

from .serializers_directory import (
    LearnerPreferenceIn,
    LearnerPreferenceOut,
    MentorCardOut,
    MentorDetailOut,
    MentorProfileCreateIn,
    MentorProfileIn,
    MentorProfileOut,
    MentorshipOut,
    MentorshipRequestIn,
    MentorshipRequestOut,
    ReasonIn,
    SuggestionOut,
    TextIn,
)

TAGS = ["mentorship"]
ERROR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input (`errors` per field)")
ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not signed in")
ERROR_403 = OpenApiResponse(ErrorSerializer, description="`not_mentor`: the Mentor role only")
ERROR_404 = OpenApiResponse(
    ErrorSerializer,
    description="No such object, or not yours; `unknown_topic` (a tag slug names no tag), "
    "`course_not_taken`, `no_profile`",
)
ERROR_409 = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Not possible now: `not_accepting`, `already_requested`, `already_mentored`, "
        "`not_pending`, `over_capacity`, `not_active`, `not_paused`, `already_ended`"
    ),
    examples=[
        OpenApiExample(
            "Over capacity",
            value={
                "message": "You mentor as many people as your capacity allows (5).",
                "code": "over_capacity",
            },
        )
    ],
)
USER = {"id": 12, "name": "Ravi Mentor", "avatar_url": None}
STUDENT = {"id": 31, "name": "Asha Student", "avatar_url": None}
MENTOR_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "user": USER,
    "name": "Ravi Mentor",
    "avatar_url": None,
    "headline": "Data engineer, 10 years of Python",
    "tags": [{"slug": "python", "name": "python"}, {"slug": "sql", "name": "sql"}],
    "languages": ["en", "hi"],
    "timezone": "Asia/Kolkata",
    "local_time": "2026-12-07T18:30+05:30",
    "places_left": 2,
    "is_accepting": True,
    "rating_average": 4.5,
    "rating_count": 8,
}
REQUEST_EXAMPLE: dict[str, Any] = {
    "id": 9,
    "mentor": USER,
    "mentee": STUDENT,
    "direction": "outgoing",
    "course": {"slug": "python-basics", "title": "Python basics"},
    "topics": [{"slug": "python", "name": "python"}],
    "message": "I would like help with my capstone project.",
    "status": "pending",
    "decline_reason": "",
    "created_at": "2026-12-07T10:00:00Z",
    "responded_at": None,
    "mentorship_id": None,
}
MENTORSHIP_EXAMPLE: dict[str, Any] = {
    "id": 4,
    "mentor": USER,
    "mentee": STUDENT,
    "course": None,
    "status": "active",
    "started_on": "2026-12-07",
    "ended_at": None,
    "ended_by": None,
    "end_reason": "",
    "created_at": "2026-12-07T10:05:00Z",
}


def _tags(values: dict[str, Any], field: str) -> None:
    """Replace the slugs in ``values[field]`` by their tags; a slug naming no tag is a 404."""
    if field not in values:
        return
    slugs = list(dict.fromkeys(values[field]))
    tags = tags_by_slugs(slugs=slugs)
    missing = sorted(set(slugs) - {t.slug for t in tags})
    if missing:
        message = _("No such topic: %(slugs)s.") % {"slugs": ", ".join(missing)}
        raise NotFound(message, code="unknown_topic", errors={field: [message]})
    values[field] = tags


def _page(*examples: dict[str, Any]) -> dict[str, Any]:
    return {"count": len(examples), "next": None, "previous": None, "results": list(examples)}


class DirectoryQuery(serializers.Serializer):
    """The directory's query parameters (page and page_size come from the pagination)."""

    search = TextIn(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Words in the name, headline, bio or a tag's name.",
    )
    tag = serializers.SlugField(
        max_length=50, required=False, allow_blank=True, help_text="A tag's slug (expertise)."
    )
    language = serializers.ChoiceField(
        choices=sorted(LANGUAGE_CODES),
        required=False,
        allow_blank=True,
        help_text="An ISO 639-1 code the mentor speaks.",
    )
    overlap_hours = serializers.IntegerField(
        min_value=1,
        max_value=14,
        required=False,
        help_text="At least this many waking hours (08:00-22:00 on both sides) shared between "
        "the mentor's zone and yours, today.",
    )
    available = serializers.BooleanField(
        required=False, default=False, help_text="Has a free slot in the next 7 days."
    )
    has_room = serializers.BooleanField(
        required=False, default=False, help_text="Has places left (open mentees < capacity)."
    )


class _Paged(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    def paged(self, request: Request, rows: Any, out: type[Any]) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, self)
        return paginator.get_paginated_response(
            out(page, many=True, context={"request": request}).data
        )


class MentorListApi(_Paged):
    @extend_schema(
        tags=TAGS,
        operation_id="mentors_list",
        summary="Mentor directory",
        description="Listed mentors by name, with filters. Each card shows the mentor's "
        "current local time, places left and average session rating.",
        parameters=[DirectoryQuery],
        responses={200: MentorCardOut(many=True), 400: ERROR_400, 401: ERROR_401},
        examples=[OpenApiExample("Mentors", value=_page(MENTOR_EXAMPLE), response_only=True)],
    )
    def get(self, request: Request) -> Response:
        query = DirectoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = DirectoryFilters(**query.validated_data)
        rows = mentor_directory(viewer=request.user, filters=filters)
        return self.paged(request, rows, MentorCardOut)


class MentorDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="mentors_retrieve",
        summary="A mentor",
        responses={200: MentorDetailOut, 401: ERROR_401, 404: ERROR_404},
        examples=[
            OpenApiExample(
                "Mentor",
                value={
                    **MENTOR_EXAMPLE,
                    "bio": "I build data pipelines.",
                    "session_lengths": [30, 60],
                    "is_listed": True,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, mentor_profile_id: int) -> Response:
        profile = mentor_profile_get(mentor_profile_id=mentor_profile_id, viewer=request.user)
        return Response(MentorDetailOut(profile, context={"request": request}).data)


class MyMentorProfileApi(APIView):
    permission_classes = [IsAuthenticated]

    def _out(self, request: Request, user_id: int, status: int = 200) -> Response:
        profile = mentor_cards_base().filter(user_id=user_id).first()
        if profile is None:
            raise NotFound(_("You have no mentor profile yet."), code="no_profile")
        return Response(MentorProfileOut(profile, context={"request": request}).data, status)

    @extend_schema(
        tags=TAGS,
        operation_id="me_mentor_profile_retrieve",
        summary="My mentor profile",
        responses={200: MentorProfileOut, 401: ERROR_401, 404: ERROR_404},
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        return self._out(request, user.pk)

    def _save(self, request: Request, *, create: bool) -> Response:
        user: Any = request.user
        existing = mentor_cards_base().filter(user_id=user.pk).exists()
        if not existing and not create:
            raise NotFound(
                _("You have no mentor profile yet: create it with PUT."), code="no_profile"
            )
        data = (MentorProfileCreateIn if create else MentorProfileIn)(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        _tags(values, "expertise")
        mentor_profile_upsert(user=user, data=values)
        return self._out(request, user.pk, 200 if existing else 201)

    @extend_schema(
        tags=TAGS,
        operation_id="me_mentor_profile_update",
        summary="Create or replace my mentor profile",
        description="The Mentor role only. Creates the profile on first call (201). Fields "
        "left out keep their current (or default) values; `headline` is required. A new "
        "profile takes your time zone and language. Tag slugs that name no tag: 404 "
        "`unknown_topic`.",
        request=MentorProfileCreateIn,
        responses={
            200: MentorProfileOut,
            201: MentorProfileOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
        },
    )
    def put(self, request: Request) -> Response:
        return self._save(request, create=True)

    @extend_schema(
        tags=TAGS,
        operation_id="me_mentor_profile_partial_update",
        summary="Change my mentor profile",
        description="Only the fields sent change. Without a profile yet: 404 `no_profile` "
        "(create it with PUT).",
        request=MentorProfileIn,
        responses={
            200: MentorProfileOut,
            201: MentorProfileOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
        },
    )
    def patch(self, request: Request) -> Response:
        return self._save(request, create=False)


class MyPreferencesApi(APIView):
    permission_classes = [IsAuthenticated]

    def _out(self, user: Any) -> Response:
        found = (
            LearnerPreference.objects.filter(user_id=user.pk).prefetch_related("interests").first()
        )
        if found is None:
            found = LearnerPreference(user=user)
            return Response({"interests": [], "languages": [], "goals": "", "updated_at": None})
        return Response(LearnerPreferenceOut(found).data)

    @extend_schema(
        tags=TAGS,
        operation_id="me_mentoring_preferences_retrieve",
        summary="My mentoring preferences",
        description="Topics, languages and goals used to suggest mentors (empty until set).",
        responses={200: LearnerPreferenceOut, 401: ERROR_401},
    )
    def get(self, request: Request) -> Response:
        return self._out(request.user)

    @extend_schema(
        tags=TAGS,
        operation_id="me_mentoring_preferences_partial_update",
        summary="Change my mentoring preferences",
        request=LearnerPreferenceIn,
        responses={200: LearnerPreferenceOut, 400: ERROR_400, 401: ERROR_401, 404: ERROR_404},
        examples=[
            OpenApiExample(
                "Preferences",
                value={"interests": ["python", "sql"], "languages": ["en"], "goals": "A data job"},
                request_only=True,
            )
        ],
    )
    def patch(self, request: Request) -> Response:
        data = LearnerPreferenceIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        _tags(values, "interests")
        learner_preference_upsert(user=request.user, data=values)
        return self._out(request.user)


class MySuggestionsApi(_Paged):
    @extend_schema(
        tags=TAGS,
        operation_id="me_mentor_suggestions_list",
        summary="Mentors suggested for me",
        description=(
            "Best first. score = 3 per shared topic + 2 per shared language + 0.5 per hour "
            "of waking-time overlap (at most 8) - load (open mentees / capacity). Full or "
            "closed mentors and your current mentors are left out."
        ),
        responses={200: SuggestionOut(many=True), 401: ERROR_401},
        examples=[
            OpenApiExample(
                "Suggestions",
                value=_page(
                    {
                        "mentor": MENTOR_EXAMPLE,
                        "score": 14.6,
                        "shared_topics": ["python", "sql"],
                        "shared_languages": ["en"],
                        "overlap_hours": 8.0,
                        "places_left": 2,
                        "explanation": "shares 2 topics (python, sql), speaks en, "
                        "8 hours of overlap, 2 places left",
                    }
                ),
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return self.paged(request, mentor_suggestions(student=request.user), SuggestionOut)


class MentorshipRequestListApi(_Paged):
    @extend_schema(
        tags=TAGS,
        operation_id="mentorship_requests_list",
        summary="My mentorship requests",
        description="Both directions, newest first: `incoming` (to me as mentor) and "
        "`outgoing` (sent by me).",
        parameters=[
            OpenApiParameter("direction", str, enum=["incoming", "outgoing"]),
            OpenApiParameter("status", str, enum=[s for s, _ in MentorshipRequest.Status.choices]),
        ],
        responses={200: MentorshipRequestOut(many=True), 400: ERROR_400, 401: ERROR_401},
        examples=[OpenApiExample("Requests", value=_page(REQUEST_EXAMPLE), response_only=True)],
    )
    def get(self, request: Request) -> Response:
        direction = request.query_params.get("direction", "")
        status = request.query_params.get("status", "")
        if direction and direction not in selectors.DIRECTIONS:
            raise ValidationError(
                _("Unknown direction."),
                errors={"direction": [_("Use incoming or outgoing.")]},
            )
        if status and status not in MentorshipRequest.Status.values:
            raise ValidationError(_("Unknown status."), errors={"status": [_("Unknown status.")]})
        rows = selectors.mentorship_request_list(
            user=request.user, direction=direction, status=status
        )
        return self.paged(request, rows, MentorshipRequestOut)

    @extend_schema(
        tags=TAGS,
        operation_id="mentorship_requests_create",
        summary="Ask a mentor for mentoring",
        description="One pending request per mentor; not to yourself, not to a mentor who "
        "is not accepting, not while a mentorship with them is open. `course` is the slug of "
        "a course you take.",
        request=MentorshipRequestIn,
        responses={
            201: MentorshipRequestOut,
            400: ERROR_400,
            401: ERROR_401,
            404: ERROR_404,
            409: ERROR_409,
        },
        examples=[
            OpenApiExample(
                "Request",
                value={
                    "mentor_profile_id": 3,
                    "message": "I would like help with my capstone project.",
                    "course": "python-basics",
                    "topics": ["python"],
                },
                request_only=True,
            ),
            OpenApiExample("Created", value=REQUEST_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        data = MentorshipRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        _tags(values, "topics")
        profile = mentor_profile_get(
            mentor_profile_id=values["mentor_profile_id"], viewer=request.user
        )
        course = None
        if values.get("course"):
            enrollment = (
                enrollment_list(user=request.user).filter(course__slug=values["course"]).first()
            )
            if enrollment is None:
                message = _("You are not enrolled in this course.")
                raise NotFound(message, code="course_not_taken", errors={"course": [message]})
            course = enrollment.course
        created = request_services.mentorship_request_create(
            mentee=request.user,
            mentor=profile,
            message=values["message"],
            course=course,
            topics=values.get("topics", []),
        )
        found = selectors.mentorship_request_get(
            user=request.user, mentorship_request_id=created.pk
        )
        return Response(MentorshipRequestOut(found, context={"request": request}).data, 201)


def _request_out(request: Request, pk: int) -> Response:
    found = selectors.mentorship_request_get(user=request.user, mentorship_request_id=pk)
    return Response(MentorshipRequestOut(found, context={"request": request}).data)


class MentorshipRequestAcceptApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="mentorship_requests_accept",
        summary="Accept a request (mentor)",
        description="Starts an active mentorship today, if the mentor has a place left.",
        request=None,
        responses={201: MentorshipOut, 401: ERROR_401, 404: ERROR_404, 409: ERROR_409},
        examples=[OpenApiExample("Mentorship", value=MENTORSHIP_EXAMPLE, response_only=True)],
    )
    def post(self, request: Request, mentorship_request_id: int) -> Response:
        found = selectors.mentorship_request_get(
            user=request.user, mentorship_request_id=mentorship_request_id
        )
        mentorship = request_services.mentorship_request_accept(request=found, by=request.user)
        mentorship = selectors.mentorship_get(user=request.user, mentorship_id=mentorship.pk)
        return Response(MentorshipOut(mentorship, context={"request": request}).data, 201)


class MentorshipRequestDeclineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="mentorship_requests_decline",
        summary="Decline a request (mentor), with a reason",
        request=ReasonIn,
        responses={
            200: MentorshipRequestOut,
            400: ERROR_400,
            401: ERROR_401,
            404: ERROR_404,
            409: ERROR_409,
        },
    )
    def post(self, request: Request, mentorship_request_id: int) -> Response:
        found = selectors.mentorship_request_get(
            user=request.user, mentorship_request_id=mentorship_request_id
        )
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        request_services.mentorship_request_decline(
            request=found, by=request.user, reason=data.validated_data["reason"]
        )
        return _request_out(request, found.pk)


class MentorshipRequestWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="mentorship_requests_withdraw",
        summary="Withdraw my pending request",
        request=None,
        responses={200: MentorshipRequestOut, 401: ERROR_401, 404: ERROR_404, 409: ERROR_409},
    )
    def post(self, request: Request, mentorship_request_id: int) -> Response:
        found = selectors.mentorship_request_get(
            user=request.user, mentorship_request_id=mentorship_request_id
        )
        request_services.mentorship_request_withdraw(request=found, by=request.user)
        return _request_out(request, found.pk)


class MentorshipListApi(_Paged):
    @extend_schema(
        tags=TAGS,
        operation_id="mentorships_list",
        summary="My mentorships",
        description="As mentor and as mentee; open ones first, then newest first.",
        responses={200: MentorshipOut(many=True), 401: ERROR_401},
        examples=[
            OpenApiExample("Mentorships", value=_page(MENTORSHIP_EXAMPLE), response_only=True)
        ],
    )
    def get(self, request: Request) -> Response:
        return self.paged(request, selectors.mentorship_list(user=request.user), MentorshipOut)


def _mentorship_out(request: Request, mentorship_id: int) -> Response:
    found = selectors.mentorship_get(user=request.user, mentorship_id=mentorship_id)
    return Response(MentorshipOut(found, context={"request": request}).data)


class MentorshipDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="mentorships_retrieve",
        summary="A mentorship",
        description="Its two people and staff; anyone else gets 404.",
        responses={200: MentorshipOut, 401: ERROR_401, 404: ERROR_404},
        examples=[OpenApiExample("Mentorship", value=MENTORSHIP_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, mentorship_id: int) -> Response:
        return _mentorship_out(request, mentorship_id)


class _LifecycleApi(APIView):
    permission_classes = [IsAuthenticated]
    service: Any = None

    def post(self, request: Request, mentorship_id: int) -> Response:
        found = selectors.mentorship_get(user=request.user, mentorship_id=mentorship_id)
        type(self).service(mentorship=found, by=request.user)
        return _mentorship_out(request, mentorship_id)


LIFECYCLE_RESPONSES = {200: MentorshipOut, 401: ERROR_401, 404: ERROR_404, 409: ERROR_409}


@extend_schema_view(
    post=extend_schema(
        tags=TAGS,
        operation_id="mentorships_pause",
        summary="Pause a mentorship",
        description="Either person; an active mentorship only. It keeps its place.",
        request=None,
        responses=LIFECYCLE_RESPONSES,
    )
)
class MentorshipPauseApi(_LifecycleApi):
    service = lifecycle.mentorship_pause


@extend_schema_view(
    post=extend_schema(
        tags=TAGS,
        operation_id="mentorships_resume",
        summary="Resume a paused mentorship",
        request=None,
        responses=LIFECYCLE_RESPONSES,
    )
)
class MentorshipResumeApi(_LifecycleApi):
    service = lifecycle.mentorship_resume


class MentorshipEndApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="mentorships_end",
        summary="End a mentorship, with a reason",
        description="Either person. Sessions still booked in the future are cancelled and "
        "the other person is told.",
        request=ReasonIn,
        responses={**LIFECYCLE_RESPONSES, 400: ERROR_400},
    )
    def post(self, request: Request, mentorship_id: int) -> Response:
        found = selectors.mentorship_get(user=request.user, mentorship_id=mentorship_id)
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.mentorship_end(
            mentorship=found, by=request.user, reason=data.validated_data["reason"]
        )
        return _mentorship_out(request, mentorship_id)
