"""The analytics figures API: the platform overview (staff), the courses a user may read
(staff: all, mentors: the ones they teach), one course's figures and its lesson drop-off.

Everything comes from the daily rollups (cached per range). Refusals: 401 signed out; 403
``permission_denied`` for students, for mentors on the overview and on courses they do not
teach; 404 for a course that does not exist; 400 with ``errors`` on ``from``/``to``/``days``.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from analytics.api import serializers_rollups as s
from analytics.policies import analytics_can_view_platform
from analytics.selectors.rollups import (
    Period,
    analytics_course_get,
    analytics_course_list,
    course_figures_in_bulk,
    course_lesson_dropoff,
    course_overview,
    period_make,
    platform_overview,
)
from courses.selectors.lessons import course_list
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import PermissionDenied

TAGS = ["analytics"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad range (`errors` on from/to/days)"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    403: OpenApiResponse(ErrorSerializer, description="Not staff, or not your course"),
}
COURSE_ERRORS = {**ERRORS, 404: OpenApiResponse(ErrorSerializer, description="No such course")}
HEADLINE = {
    "key": "enrollments",
    "label": "Enrollments",
    "value": 42,
    "previous": 35,
    "delta": 20.0,
    "unit": "",
}
PERIODS = {
    "period": {"from": "2026-11-08", "to": "2026-12-07"},
    "previous": {"from": "2026-10-09", "to": "2026-11-07"},
}


def _period(request: Request) -> Period:
    # the lists' page and page_size are the paginator's
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "page_size")}
    query = s.AnalyticsPeriodIn(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return period_make(start=data.get("from"), end=data.get("to"), days=data.get("days"))


def _ref(course: Any) -> dict[str, Any]:
    return {"id": course.pk, "slug": course.slug, "title": course.title}


class OverviewApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_overview",
        summary="Platform figures over a period (staff)",
        description="Active users (distinct over the period), sign-ups, enrollments, "
        "completions and paying people with the previous period's and the change in percent; "
        "DAU/WAU/MAU per day; revenue and refunds per currency; the conversion funnel "
        "(catalogue -> course page -> enrollment -> payment, distinct people per step).",
        parameters=[s.AnalyticsPeriodIn],
        responses={200: s.AnalyticsOverviewOut, **ERRORS},
        examples=[
            OpenApiExample(
                "Overview",
                response_only=True,
                value={
                    **PERIODS,
                    "headline": [HEADLINE],
                    "daily": [
                        {
                            "day": "2026-12-07",
                            "dau": 120,
                            "wau": 410,
                            "mau": 900,
                            "signups": 12,
                            "enrollments": 30,
                            "completions": 4,
                        }
                    ],
                    "revenue": [
                        {
                            "currency": "INR",
                            "payments": 12,
                            "revenue": {"amount": "5400.00", "currency": "INR"},
                            "refunds": 1,
                            "refunded": {"amount": "450.00", "currency": "INR"},
                            "net": {"amount": "4950.00", "currency": "INR"},
                            "previous_net": {"amount": "3300.00", "currency": "INR"},
                            "delta": 50.0,
                        }
                    ],
                    "funnel": [
                        {
                            "step": "catalogue",
                            "label": "Viewed the catalogue",
                            "people": 800,
                            "of_previous": None,
                            "of_first": 1.0,
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        if not analytics_can_view_platform(user=user):
            # the selector refuses too; asked before the range so that a refusal is a 403
            raise PermissionDenied(_("Only staff see the platform's analytics."))
        data = platform_overview(user=user, period=_period(request))
        return Response(s.AnalyticsOverviewOut(data).data)


class _CoursePagesApi(GenericAPIView):
    def get_queryset(self) -> QuerySet[Any]:
        # only the schema asks (the path's slug is a course's): each get() builds its page
        return course_list().none()


class CourseListApi(_CoursePagesApi):
    serializer_class = s.AnalyticsCourseSummaryOut

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_courses_list",
        summary="Courses whose analytics I may read, with their figures",
        description="Staff: every course; mentors: the courses they teach. Sorted by title.",
        parameters=[s.AnalyticsPeriodIn],
        responses={200: s.AnalyticsCourseSummaryOut(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        courses = analytics_course_list(user=signed_in_user(request)).only("id", "slug", "title")
        period = _period(request)
        page = self.paginate_queryset(courses)
        assert page is not None
        figures = course_figures_in_bulk(course_ids=[c.pk for c in page], period=period)
        rows = [{**_ref(c), "figures": figures[c.pk]} for c in page]
        return self.get_paginated_response(s.AnalyticsCourseSummaryOut(rows, many=True).data)


class CourseOverviewApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_course_retrieve",
        summary="One course's figures over a period",
        description="Enrollments, active learners (distinct over the period), completions and "
        "completion rate, lesson views, watch time, quiz submissions and average score, "
        "ratings, median time from enrollment to completion; each with the previous period's "
        "and the change; and the figures per day. Staff and the course's instructors.",
        parameters=[s.AnalyticsPeriodIn],
        responses={200: s.AnalyticsCourseOverviewOut, **COURSE_ERRORS},
        examples=[
            OpenApiExample(
                "Course",
                response_only=True,
                value={
                    "course": {"id": 3, "slug": "python-basics", "title": "Python basics"},
                    **PERIODS,
                    "headline": [HEADLINE],
                    "daily": [
                        {
                            "day": "2026-12-07",
                            "enrollments": 3,
                            "active_learners": 40,
                            "completions": 1,
                            "lesson_views": 210,
                            "watch_seconds": 36000,
                            "quiz_submissions": 12,
                            "average_score": 0.72,
                            "ratings": 2,
                            "average_rating": 4.5,
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request: Request, slug: str) -> Response:
        course = analytics_course_get(user=signed_in_user(request), slug=slug)
        period = _period(request)
        data = {"course": _ref(course), **course_overview(course=course, period=period)}
        return Response(s.AnalyticsCourseOverviewOut(data).data)


class CourseLessonsApi(_CoursePagesApi):
    serializer_class = s.AnalyticsLessonDropoffOut

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_course_lessons_list",
        summary="Drop-off per lesson over a course's outline",
        description="The lessons in outline order with the learners who completed each in "
        "the period, the share of the first lesson's and the drop from the lesson before.",
        parameters=[s.AnalyticsPeriodIn],
        responses={200: s.AnalyticsLessonDropoffOut(many=True), **COURSE_ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        course = analytics_course_get(user=signed_in_user(request), slug=slug)
        period = _period(request)
        page = self.paginate_queryset(course_lesson_dropoff(course=course, period=period))
        assert page is not None
        return self.get_paginated_response(s.AnalyticsLessonDropoffOut(page, many=True).data)
