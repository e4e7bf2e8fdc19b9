"""The gradebook in the API: a course's learners with their marks for its mentors (paginated,
sorted and filtered like the page), and a learner's own row (released marks only)."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.selectors.authoring import course_get_for_editing
from courses.selectors.lessons import course_published_list
from enrollments.selectors import enrollment_get
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import NotFound

from .. import selectors_gradebook as gb

TAGS = ["gradebook"]
REFUSED = {
    403: OpenApiResponse(ErrorSerializer, description="Not an editor of the course"),
    404: OpenApiResponse(ErrorSerializer, description="No such course"),
}


class GradeItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["quiz", "assignment"])
    lesson_id = serializers.IntegerField()
    max_points = serializers.DecimalField(max_digits=7, decimal_places=2)
    category = serializers.CharField(allow_null=True, help_text="The category's name.")
    extra_credit = serializers.BooleanField()
    due_at = serializers.DateTimeField(allow_null=True)


class GradeCellOut(serializers.Serializer):
    item_id = serializers.IntegerField()
    points = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        allow_null=True,
        help_text="The mark that counts (an override when there is one); null: none yet.",
    )
    released = serializers.BooleanField(help_text="false: held, the learner does not see it.")
    overridden = serializers.BooleanField()
    override_reason = serializers.CharField(allow_blank=True)
    submitted = serializers.BooleanField(help_text="Work was handed in.")


class LearnerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class GradebookRowOut(serializers.Serializer):
    learner = LearnerOut()
    percent = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    letter = serializers.CharField(allow_blank=True)
    passed = serializers.BooleanField()
    missing = serializers.IntegerField(help_text="Items past due with nothing handed in.")
    cells = GradeCellOut(many=True, help_text="One per item, in the items' order.")


class MyItemOut(serializers.Serializer):
    item = GradeItemOut()
    points = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    letter = serializers.CharField(allow_blank=True)
    held = serializers.BooleanField(help_text="Marked, not released yet (no points shown).")
    counted = serializers.BooleanField(help_text="false: dropped, or not counted yet.")


class MyCategoryOut(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    drop_lowest = serializers.IntegerField()
    earned = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    possible = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)


class MyGradesOut(serializers.Serializer):
    course = serializers.DictField(help_text='{"id", "slug", "title"}')
    percent = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    letter = serializers.CharField(allow_blank=True)
    passed = serializers.BooleanField()
    pass_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    categories = MyCategoryOut(many=True)
    items = MyItemOut(many=True)
    distribution = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="The class's released totals in ten bins (0-10, ..., 90-100); null while "
        "fewer than 5 learners have one.",
    )


def _item(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "kind": "quiz" if item.quiz_id else "assignment",
        "lesson_id": item.lesson.pk,
        "max_points": item.max_points,
        "category": item.category.name if item.category else None,
        "extra_credit": item.extra_credit,
        "due_at": item.due_at,
    }


def _row(row: gb.Row) -> dict[str, Any]:
    student = row.grade.student
    return {
        "learner": {"id": student.pk, "name": student.name, "email": student.email},
        "percent": row.grade.percent,
        "letter": row.grade.letter,
        "passed": row.grade.passed,
        "missing": row.grade.missing,
        "cells": [
            {
                "item_id": cell.item.pk,
                "points": cell.points,
                "released": bool(cell.entry and cell.entry.released),
                "overridden": cell.overridden,
                "override_reason": cell.entry.override_reason if cell.entry else "",
                "submitted": bool(cell.entry and cell.entry.submitted),
            }
            for cell in row.cells
        ],
    }


class CourseGradebookApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="course_gradebook_list",
        summary="The course's learners with their marks and totals (the course's mentors)",
        description="Every mark, held ones too (`released: false`). Items are in "
        "`GET .../gradebook/items/`; each row's `cells` follow their order.",
        parameters=[
            OpenApiParameter(
                "ordering",
                str,
                required=False,
                description="`name`, `total` or `item:<id>`; `-` first for descending.",
            ),
            OpenApiParameter("search", str, required=False, description="In name or email."),
            OpenApiParameter("letter", str, required=False, description="A letter of the scale."),
            OpenApiParameter("status", str, enum=["passed", "failing"], required=False),
            OpenApiParameter(
                "missing",
                bool,
                required=False,
                description="Only learners with work past due and not handed in.",
            ),
        ],
        responses={200: GradebookRowOut(many=True), **REFUSED},
    )
    def get(self, request: Request, slug: str) -> Response:
        course = course_get_for_editing(slug=slug, user=request.user)
        query = gb.GradebookQuery.parse(request.query_params)
        items = gb.gradebook_items(course_id=course.pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            gb.gradebook_rows(course_id=course.pk, query=query), request, self
        )
        rows = gb.gradebook_page_rows(course_id=course.pk, grades=list(page or []), items=items)
        return paginator.get_paginated_response(
            GradebookRowOut([_row(r) for r in rows], many=True).data
        )


class CourseGradebookItemsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="course_gradebook_items",
        summary="The gradebook's columns: the course's quizzes and assignments",
        responses={200: GradeItemOut(many=True), **REFUSED},
    )
    def get(self, request: Request, slug: str) -> Response:
        course = course_get_for_editing(slug=slug, user=request.user)
        items = gb.gradebook_items(course_id=course.pk)
        return Response(GradeItemOut([_item(i) for i in items], many=True).data)


class MyGradesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="me_grades_retrieve",
        summary="My grades in a course I am enrolled in (released marks only)",
        responses={
            200: MyGradesOut,
            404: OpenApiResponse(ErrorSerializer, description="Not enrolled, or no such course"),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        course = course_published_list().filter(slug=slug).first()
        if course is None or enrollment_get(user=request.user, course=course) is None:
            raise NotFound(_("Not found."))
        mine = gb.my_course_grade(course_id=course.pk, student_id=int(str(request.user.pk)))
        body = {
            "course": {"id": course.pk, "slug": course.slug, "title": course.title},
            "percent": mine["percent"],
            "letter": mine["letter"],
            "passed": mine["passed"],
            "pass_percent": mine["pass_percent"],
            "categories": [
                {
                    "name": c["category"].name,
                    "weight": c["category"].weight,
                    "drop_lowest": c["category"].drop_lowest,
                    "earned": c["earned"],
                    "possible": c["possible"],
                }
                for c in mine["categories"]
            ],
            "items": [
                {
                    "item": _item(r["item"]),
                    "points": r["points"],
                    "letter": r["letter"],
                    "held": r["held"],
                    "counted": r["counted"],
                }
                for r in mine["items"]
            ],
            "distribution": gb.grade_distribution(course_id=course.pk),
        }
        return Response(MyGradesOut(body).data)
