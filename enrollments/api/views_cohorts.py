"""API of cohorts and their waitlists.

Students: a course's cohorts with their seats and the viewer's place
(``GET /courses/{slug}/cohorts/``), joining and leaving a waitlist, taking or declining an
offered seat. The course's instructors and staff: creating and changing cohorts, the roster
and the waitlist, moving a student to another cohort.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from courses.selectors.lessons import course_get_by_slug
from enrollments.api.serializers import EnrollmentOut
from enrollments.api.serializers_cohorts import (
    CohortChoiceIn,
    CohortIn,
    CohortOut,
    RosterEnrollmentOut,
    WaitlistEntryOut,
    WaitlistQueueOut,
)
from enrollments.cohorts import selectors, services, waitlist
from enrollments.cohorts.policies import cohort_can_manage
from enrollments.models import Cohort, Enrollment
from enrollments.selectors import enrollment_list
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import NotFound, PermissionDenied

TAGS = ["cohorts"]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


E401 = _error("Not signed in")
E403 = _error("Not one of the course's instructors or staff")
E404 = _error("No such cohort, or its course is not published")
E409 = _error("Not possible in the cohort's state (see the error code)")

COHORT_EXAMPLE = OpenApiExample(
    "Cohort",
    value={
        "id": 7,
        "course": "python-basics",
        "name": "January 2027",
        "starts_at": "2027-01-11T04:30:00Z",
        "ends_at": "2027-03-08T04:30:00Z",
        "capacity": 30,
        "seats_taken": 30,
        "seats_left": 0,
        "waitlist_count": 4,
        "opens_at": None,
        "closes_at": "2027-01-18T04:30:00Z",
        "is_active": True,
        "enrollment_open": True,
        "my_place": {"status": "waiting", "position": 2, "offer_expires_at": None},
    },
    response_only=True,
)


def _visible(user: Any, cohort: Cohort) -> Cohort:
    """The cohort, if its course is published or the user manages it."""
    if not (cohort.course.is_published or cohort_can_manage(user=user, course=cohort.course)):
        raise NotFound(_("No such cohort."))
    return cohort


def _managed(user: Any, cohort: Cohort) -> Cohort:
    if not cohort_can_manage(user=user, course=cohort.course):
        raise PermissionDenied(_("Only the course's instructors and staff manage its cohorts."))
    return cohort


def _cohort_data(request: Request, cohort: Cohort) -> dict[str, Any]:
    fresh = selectors.cohort_get(cohort_id=cohort.pk)
    places = selectors.my_places(user=request.user, course=fresh.course)
    return CohortOut(fresh, context={"now": timezone.now(), "places": places}).data


class CourseCohortListApi(APIView):
    def get_permissions(self) -> list[Any]:
        from rest_framework.permissions import AllowAny, IsAuthenticated

        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        tags=TAGS,
        operation_id="course_cohorts_list",
        summary="A course's cohorts",
        description=(
            "The course's active cohorts by start date, with their seats and the signed-in "
            "viewer's place (enrolled, waiting with a position, or offered a seat until a "
            "time). Open to anyone for a published course; its instructors and staff also "
            "get archived cohorts and drafts' cohorts. Not paged."
        ),
        responses={200: CohortOut(many=True), 404: E404},
        examples=[COHORT_EXAMPLE],
    )
    def get(self, request: Request, slug: str) -> Response:
        course = course_get_by_slug(slug=slug)
        manager = cohort_can_manage(user=request.user, course=course)
        if not (course.is_published or manager):
            raise NotFound(_("Not found."))
        cohorts = selectors.cohort_list(course=course, include_archived=manager)
        places = selectors.my_places(user=request.user, course=course)
        context = {"now": timezone.now(), "places": places}
        return Response(CohortOut(cohorts, many=True, context=context).data)

    @extend_schema(
        tags=TAGS,
        operation_id="course_cohorts_create",
        summary="Add a cohort to a course",
        description="For the course's instructors and staff.",
        request=CohortIn,
        responses={
            201: CohortOut,
            400: _error("Invalid fields"),
            401: E401,
            403: E403,
            404: _error("No such course"),
        },
        examples=[COHORT_EXAMPLE],
    )
    def post(self, request: Request, slug: str) -> Response:
        course = course_get_by_slug(slug=slug)
        data = CohortIn(data=request.data)
        data.is_valid(raise_exception=True)
        cohort = services.cohort_create(
            user=signed_in_user(request), course=course, **data.validated_data
        )
        return Response(_cohort_data(request, cohort), status=status.HTTP_201_CREATED)


class CohortDetailApi(APIView):
    def get_permissions(self) -> list[Any]:
        from rest_framework.permissions import AllowAny, IsAuthenticated

        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        tags=TAGS,
        operation_id="cohort_detail",
        summary="A cohort",
        responses={200: CohortOut, 404: E404},
        examples=[COHORT_EXAMPLE],
    )
    def get(self, request: Request, cohort_id: int) -> Response:
        cohort = _visible(request.user, selectors.cohort_get(cohort_id=cohort_id))
        return Response(_cohort_data(request, cohort))

    @extend_schema(
        tags=TAGS,
        operation_id="cohort_update",
        summary="Change a cohort",
        description=(
            "For the course's instructors and staff. Any of the fields. The capacity cannot go "
            "below the seats taken (400 `capacity_below_taken`); raising it gives the new "
            "seats to the waitlist at once. `is_active: false` archives the cohort."
        ),
        request=CohortIn(partial=True),
        responses={200: CohortOut, 400: _error("Invalid fields"), 401: E401, 403: E403, 404: E404},
    )
    def patch(self, request: Request, cohort_id: int) -> Response:
        cohort = selectors.cohort_get(cohort_id=cohort_id)
        data = CohortIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.cohort_update(user=signed_in_user(request), cohort=cohort, **data.validated_data)
        return Response(_cohort_data(request, cohort))


class CohortRosterApi(ListAPIView):
    serializer_class = RosterEnrollmentOut
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Enrollment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        cohort = selectors.cohort_get(cohort_id=self.kwargs["cohort_id"])
        return selectors.cohort_roster(cohort=_managed(self.request.user, cohort))

    @extend_schema(
        tags=TAGS,
        operation_id="cohort_roster",
        summary="A cohort's students",
        description="Its live enrollments by name, paged. For the course's instructors and staff.",
        responses={200: RosterEnrollmentOut(many=True), 401: E401, 403: E403, 404: E404},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class CohortWaitlistQueueApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="cohort_waitlist_queue",
        summary="A cohort's waitlist",
        description=(
            "The open entries (waiting, or offered a held seat) in promotion order, with "
            "positions. For the course's instructors and staff. Not paged."
        ),
        responses={200: WaitlistQueueOut(many=True), 401: E401, 403: E403, 404: E404},
    )
    def get(self, request: Request, cohort_id: int) -> Response:
        cohort = _managed(request.user, selectors.cohort_get(cohort_id=cohort_id))
        entries = list(selectors.cohort_waitlist(cohort=cohort))
        positions = selectors.waiting_positions(entries)
        return Response(WaitlistQueueOut(entries, many=True, context={"positions": positions}).data)


class CohortWaitlistApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="cohort_waitlist_join",
        summary="Join a cohort's waitlist",
        description=(
            "For a full cohort that is taking enrollments. Idempotent: 201 when joined now, "
            "200 with the open entry when already in line. 409 `already_enrolled`, "
            "`enrollment_closed`, `seats_available` (enroll instead)."
        ),
        request=None,
        responses={200: WaitlistEntryOut, 201: WaitlistEntryOut, 401: E401, 404: E404, 409: E409},
    )
    def post(self, request: Request, cohort_id: int) -> Response:
        user = signed_in_user(request)
        cohort = _visible(user, selectors.cohort_get(cohort_id=cohort_id))
        already = selectors.waitlist_entry_for(user=user, cohort=cohort) is not None
        entry = waitlist.waitlist_join(user=user, cohort=cohort)
        positions = {entry.pk: selectors.waitlist_position(entry=entry)}
        data = WaitlistEntryOut(entry, context={"positions": positions}).data
        return Response(data, status=status.HTTP_200_OK if already else status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        operation_id="cohort_waitlist_leave",
        summary="Leave a cohort's waitlist",
        description="An offered seat goes to the next person. 404 `not_waiting`.",
        request=None,
        responses={204: None, 401: E401, 404: E404},
    )
    def delete(self, request: Request, cohort_id: int) -> Response:
        user = signed_in_user(request)
        cohort = _visible(user, selectors.cohort_get(cohort_id=cohort_id))
        waitlist.waitlist_leave(user=user, cohort=cohort)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CohortOfferAcceptApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="cohort_offer_accept",
        summary="Take an offered seat",
        description=(
            "Free courses: enrolls in the cohort (201). Paid courses: 402 `payment_required`, "
            "the seat is taken by paying for the course. 409 `no_offer`, `offer_expired`."
        ),
        request=None,
        responses={
            201: EnrollmentOut,
            401: E401,
            402: _error("Paid course: pay to take the seat"),
            404: E404,
            409: E409,
        },
    )
    def post(self, request: Request, cohort_id: int) -> Response:
        user = signed_in_user(request)
        cohort = _visible(user, selectors.cohort_get(cohort_id=cohort_id))
        enrollment = waitlist.waitlist_offer_claim(user=user, cohort=cohort)
        enrollment = enrollment_list(user=user).get(pk=enrollment.pk)
        data = EnrollmentOut(enrollment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class CohortOfferDeclineApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="cohort_offer_decline",
        summary="Turn down an offered seat",
        description="The seat goes to the next person in line. 409 `no_offer`.",
        request=None,
        responses={204: None, 401: E401, 404: E404, 409: E409},
    )
    def post(self, request: Request, cohort_id: int) -> Response:
        user = signed_in_user(request)
        cohort = _visible(user, selectors.cohort_get(cohort_id=cohort_id))
        waitlist.waitlist_offer_decline(user=user, cohort=cohort)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EnrollmentCohortApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="enrollment_cohort_switch",
        summary="Move a student to another cohort",
        description=(
            "For the course's instructors and staff. The new cohort needs a free seat (409 "
            "`cohort_full`); its enrollment window does not apply. The seat left behind goes "
            "to the old cohort's waitlist."
        ),
        request=CohortChoiceIn,
        responses={
            200: RosterEnrollmentOut,
            400: _error("No such cohort in the course"),
            401: E401,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request: Request, enrollment_id: int) -> Response:
        user = signed_in_user(request)
        enrollment = selectors.enrollment_get_with_cohort(enrollment_id=enrollment_id)
        if not cohort_can_manage(user=user, course=enrollment.course):
            raise PermissionDenied(_("Only the course's instructors and staff move students."))
        data = CohortChoiceIn(data=request.data)
        data.is_valid(raise_exception=True)
        cohort = selectors.cohort_for_course(
            course=enrollment.course, cohort_id=data.validated_data.get("cohort")
        )
        moved = services.enrollment_cohort_switch(user=user, enrollment=enrollment, cohort=cohort)
        return Response(RosterEnrollmentOut(moved).data)
