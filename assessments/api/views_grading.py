"""The mentors' grading queue in the API: quiz answers and assignment work waiting for a mark
(or already marked), with the site queue's filters. Mentors see their own courses' work, staff
every course's; students get 403."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import PermissionDenied, ValidationError

from .. import selectors
from ..policies import grading_can_open
from .serializers_authoring import GradingAnswerOut, GradingSubmissionOut

TAGS = ["grading"]
FILTERS = [
    OpenApiParameter("course", str, required=False, description="Only this course (its slug)."),
    OpenApiParameter(
        "lesson",
        {"type": "integer", "minimum": 1, "maximum": 10**18},
        required=False,
        description="Only this quiz or assignment (its lesson id).",
    ),
    OpenApiParameter(
        "status",
        str,
        enum=["waiting", "graded"],
        required=False,
        description="Waiting for a mark (the default), or already marked by a mentor.",
    ),
    OpenApiParameter(
        "late",
        bool,
        required=False,
        description="Only late work, or only work on time. Quiz answers are never late.",
    ),
]
RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description="An unknown filter value"),
    403: OpenApiResponse(ErrorSerializer, description="Not a mentor"),
}


def _filters(request: Request) -> selectors.GradingFilters:
    if not grading_can_open(user=request.user):
        raise PermissionDenied(_("Only mentors grade work."))
    query = request.query_params
    errors: dict[str, list[str]] = {}
    lesson, status, late = query.get("lesson", ""), query.get("status", ""), query.get("late", "")
    if lesson and not (lesson.isascii() and lesson.isdigit() and len(lesson) < 19):
        errors["lesson"] = [_("A lesson id.")]
    if status not in ("", "waiting", "graded"):
        errors["status"] = [_("waiting or graded.")]
    if late not in ("", "true", "false"):
        errors["late"] = [_("true or false.")]
    if errors:
        raise ValidationError(_("Check the filters."), errors=errors)
    return selectors.GradingFilters(
        course_slug=query.get("course", "")[:200],
        lesson_id=int(lesson) if lesson else None,
        graded=status == "graded",
        late={"true": True, "false": False}.get(late),
    )


class _QueueApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    def _page(self, request: Request, rows: Any, serializer: Any) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


class GradingAnswersApi(_QueueApi):
    @extend_schema(
        tags=TAGS,
        operation_id="grading_answers_list",
        summary="Quiz answers waiting for a mentor's mark (or marked), oldest first",
        parameters=FILTERS,
        responses={200: GradingAnswerOut(many=True), **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.grading_queue(user=request.user, filters=_filters(request))
        return self._page(request, rows, GradingAnswerOut)


class GradingSubmissionsApi(_QueueApi):
    @extend_schema(
        tags=TAGS,
        operation_id="grading_submissions_list",
        summary="Assignment work waiting for a mark (or marked), oldest hand-in first",
        parameters=FILTERS,
        responses={200: GradingSubmissionOut(many=True), **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.submissions_to_grade(user=request.user, filters=_filters(request))
        return self._page(request, rows, GradingSubmissionOut)
