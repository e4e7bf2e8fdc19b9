"""API of the enrollments app: enroll / unenroll in a course, and my enrollments."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from courses.api.serializers import CourseCardOut
from courses.selectors import catalogue as course_selectors
from courses.selectors.lessons import course_get_by_slug
from enrollments import selectors, services
from enrollments.api.serializers import EnrollmentOut
from enrollments.api.serializers_cohorts import CohortChoiceIn
from enrollments.cohorts.selectors import cohort_for_course
from enrollments.models import Enrollment
from kalpla.api.serializers import ErrorSerializer

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
}

ENROLLMENT_EXAMPLE = OpenApiExample(
    "Enrollment",
    value={
        "id": 42,
        "course": {
            "id": 3,
            "slug": "python-basics",
            "title": "Python basics",
            "cover_url": "https://kalpla.example/media/public/courses/3/card.webp",
        },
        "status": "active",
        "progress_percent": 40,
        "has_new_lessons": False,
        "last_lesson_id": 17,
        "continue_lesson_id": 17,
        "last_viewed_at": "2026-11-20T08:15:00Z",
        "created_at": "2026-11-01T09:30:00Z",
        "completed_at": None,
    },
    response_only=True,
)


RECOMMENDED_LIMIT = 8


class RecommendedCoursesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["courses"],
        operation_id="me_recommended_courses",
        summary="Courses recommended to me",
        description=(
            "Up to 8 published courses the signed-in user neither takes nor teaches: from the "
            "categories they learn in first, then the best rated and most followed. Not paged."
        ),
        responses={200: CourseCardOut(many=True), 401: ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        picks = selectors.course_recommendations(
            user=signed_in_user(request), limit=RECOMMENDED_LIMIT
        )
        order = {course.pk: index for index, course in enumerate(picks)}
        cards = sorted(
            course_selectors.course_catalogue_base().filter(pk__in=order),
            key=lambda course: order[course.pk],
        )
        return Response(CourseCardOut(cards, many=True, context={"request": request}).data)


class CourseEnrollApi(APIView):
    @extend_schema(
        tags=["enrollments"],
        operation_id="course_enroll",
        summary="Enroll in a course",
        description=(
            "Free, published courses only, for users with a verified email address. "
            "Idempotent: 201 when enrolled now (or re-enrolled after leaving), 200 when "
            "already enrolled. A paid course answers 402 `payment_required`; missing "
            "prerequisites 403 `prerequisite_required`; an unverified email 403 "
            "`email_unverified`; a course that is not published 404. With cohorts: the body "
            "names one (`cohort`, its id; required when the course's `requires_cohort`): "
            "400 `cohort_required` or `invalid_cohort`; 409 `enrollment_closed` (outside its "
            "enrollment window, archived or over) or `cohort_full` (join its waitlist: POST "
            "/api/v1/cohorts/{id}/waitlist/)."
        ),
        request=CohortChoiceIn,
        responses={
            200: EnrollmentOut,
            201: EnrollmentOut,
            400: OpenApiResponse(
                ErrorSerializer, description="No cohort named, or not one of the course's"
            ),
            409: OpenApiResponse(ErrorSerializer, description="The cohort is full or closed"),
            402: OpenApiResponse(ErrorSerializer, description="The course is paid"),
            403: OpenApiResponse(
                ErrorSerializer, description="Email unverified or prerequisites missing"
            ),
            404: OpenApiResponse(ErrorSerializer, description="No such published course"),
            **ERRORS,
        },
        examples=[
            ENROLLMENT_EXAMPLE,
            OpenApiExample(
                "Paid course",
                value={
                    "message": "This course is paid: checkout opens soon.",
                    "code": "payment_required",
                },
                response_only=True,
                status_codes=["402"],
            ),
        ],
    )
    def post(self, request: Request, slug: str) -> Response:
        user = signed_in_user(request)
        course = course_get_by_slug(slug=slug)
        choice = CohortChoiceIn(data=request.data)
        choice.is_valid(raise_exception=True)
        cohort_id = choice.validated_data.get("cohort")
        cohort = None
        if cohort_id is not None:
            cohort = cohort_for_course(course=course, cohort_id=cohort_id)
        already = selectors.enrollment_get(user=user, course=course) is not None
        enrollment = services.enrollment_create(user=user, course=course, cohort=cohort)
        enrollment = selectors.enrollment_list(user=user).get(pk=enrollment.pk)
        data = EnrollmentOut(enrollment, context={"request": request}).data
        return Response(data, status=status.HTTP_200_OK if already else status.HTTP_201_CREATED)

    @extend_schema(
        tags=["enrollments"],
        operation_id="course_unenroll",
        summary="Leave a course",
        description="Cancels the enrollment; progress is kept if the user enrolls again.",
        request=None,
        responses={
            204: None,
            404: OpenApiResponse(ErrorSerializer, description="Not enrolled in this course"),
            **ERRORS,
        },
    )
    def delete(self, request: Request, slug: str) -> Response:
        user = signed_in_user(request)
        course = course_get_by_slug(slug=slug)
        enrollment = selectors.enrollment_get(user=user, course=course)
        if enrollment is None:
            from rest_framework.exceptions import NotFound

            raise NotFound(_("You are not enrolled in this course."))
        services.enrollment_cancel(enrollment=enrollment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyEnrollmentListApi(ListAPIView):
    serializer_class = EnrollmentOut
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Enrollment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        return selectors.enrollment_list(user=signed_in_user(self.request))

    @extend_schema(
        tags=["enrollments"],
        operation_id="me_enrollments_list",
        summary="My enrollments",
        description=(
            "Active and completed enrollments of the signed-in user, most recently viewed "
            "first, with progress and the lesson to continue from."
        ),
        responses={200: EnrollmentOut(many=True), **ERRORS},
        examples=[ENROLLMENT_EXAMPLE],
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)
