"""Lesson API for the players (site JavaScript and mobile): content, progress, completion.

Every endpoint applies ``enrollments.access.lesson_access``: refusals are 403 with the
code ``not_enrolled``, ``not_released`` or ``prerequisite_required``, 404 for courses that
are not published, and 401 for anonymous users on lessons that are not previews.
"""

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.selectors.lessons import course_lesson_ids, lesson_get, neighbours
from enrollments import selectors as enrollment_selectors
from enrollments import services as enrollment_services
from enrollments.access import (
    AccessReason,
    CourseAccess,
    LessonAccess,
    course_access,
    lesson_access,
    lesson_media,
)
from enrollments.api.serializers_lessons import (
    LessonCompleteOut,
    LessonOut,
    LessonProgressIn,
    LessonProgressOut,
)
from enrollments.models import Enrollment
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import PermissionDenied

if TYPE_CHECKING:
    from courses.models import Lesson

REFUSALS = {
    401: OpenApiResponse(ErrorSerializer, description=str(gettext_lazy("Not signed in"))),
    403: OpenApiResponse(
        ErrorSerializer,
        description="`not_enrolled`, `not_released` or `prerequisite_required`",
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such lesson in a published course"),
}
NOT_RELEASED_EXAMPLE = OpenApiExample(
    "Not released yet",
    value={"message": "This lesson opens on 3 Dec 2026, 09:00.", "code": "not_released"},
    response_only=True,
    status_codes=["403"],
)
PROGRESS_EXAMPLE = OpenApiExample(
    "Half watched",
    value={
        "position_seconds": 312.5,
        "completed": False,
        "completed_at": None,
        "updated_at": "2026-11-20T08:15:00Z",
    },
    response_only=True,
)


def _render(text: str) -> str:
    if not text.strip():
        return ""
    from courses.markdown import render_markdown

    return str(render_markdown(text))


def _allowed_lesson(
    request: Request, lesson_id: int
) -> tuple["Lesson", CourseAccess, LessonAccess]:
    lesson = lesson_get(lesson_id=lesson_id)
    ctx = course_access(user=request.user, course=lesson.course)
    access = lesson_access(user=request.user, lesson=lesson, context=ctx)
    if not access.allowed:
        if access.reason == AccessReason.NOT_ENROLLED and not request.user.is_authenticated:
            raise NotAuthenticated()
        raise access.as_error()
    return lesson, ctx, access


def _enrollment_of(ctx: CourseAccess) -> Enrollment:
    if ctx.enrollment is None:
        raise PermissionDenied(
            _("Enroll in this course to track your progress."), code="not_enrolled"
        )
    return ctx.enrollment


def _progress_data(progress: Any) -> dict[str, Any]:
    if progress is None:
        return {
            "position_seconds": 0.0,
            "completed": False,
            "completed_at": None,
            "updated_at": None,
        }
    return {
        "position_seconds": progress.position_seconds,
        "completed": progress.completed_at is not None,
        "completed_at": progress.completed_at,
        "updated_at": progress.updated_at,
    }


class LessonDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["lessons"],
        operation_id="lesson_retrieve",
        summary="A lesson with its content and signed media links",
        description=(
            "Preview lessons are open to anyone (no credentials needed). Other lessons need an "
            "enrollment, the course's prerequisites and the lesson released; instructors and "
            "staff see every lesson. Media links are signed, bound to the signed-in user and "
            "checked against this access rule on every request: they stop working when "
            "access ends (403). On S3 they redirect to a presigned URL valid for minutes; "
            "when that expires, request the media link again. Opening a lesson remembers it as the place to resume from."
        ),
        responses={200: LessonOut, **REFUSALS},
        examples=[
            OpenApiExample(
                "Video lesson",
                value={
                    "id": 17,
                    "title": "Variables",
                    "kind": "video",
                    "duration": 420,
                    "is_preview": False,
                    "is_required": True,
                    "course": {"id": 3, "slug": "python-basics", "title": "Python basics"},
                    "module": {"id": 5, "title": "Getting started"},
                    "access": "enrolled",
                    "content_html": "<p>Notes for this lesson.</p>",
                    "transcript": "Hello and welcome.",
                    "media_status": "ready",
                    "media_url": "https://kalpla.example/courses/media/eyJsIjoxNywiciI6Im1lZGlhIiwidSI6NX0:1t.../",
                    "captions_url": "https://kalpla.example/courses/media/eyJsIjoxNywiciI6ImNhcHRpb25zIiwidSI6NX0:1t.../",
                    "narration_url": None,
                    "poster_url": None,
                    "resources": [],
                    "previous_lesson_id": 16,
                    "next_lesson_id": 18,
                    "progress": {
                        "position_seconds": 95.0,
                        "completed": False,
                        "completed_at": None,
                        "updated_at": "2026-11-20T08:15:00Z",
                    },
                },
                response_only=True,
                status_codes=["200"],
            ),
            NOT_RELEASED_EXAMPLE,
        ],
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        lesson, ctx, access = _allowed_lesson(request, lesson_id)
        media = lesson_media(user=request.user, lesson=lesson, access=access)
        progress = None
        if ctx.enrollment is not None:
            progress = _progress_data(
                enrollment_selectors.lesson_progress_get(enrollment=ctx.enrollment, lesson=lesson)
            )
            enrollment_services.enrollment_lesson_open(enrollment=ctx.enrollment, lesson=lesson)
        ids = course_lesson_ids(course=lesson.course, include_drafts=ctx.bypasses_rules)
        previous, following = neighbours(ids, lesson.pk)
        data = {
            "id": lesson.pk,
            "title": lesson.title,
            "kind": lesson.kind,
            "duration": lesson.duration,
            "is_preview": lesson.is_preview,
            "is_required": lesson.is_required,
            "course": lesson.course,
            "module": lesson.module,
            "access": str(access.reason),
            "content_html": _render(lesson.content),
            "transcript": lesson.transcript,
            "media_status": lesson.media_status,
            "media_url": _absolute(request, media.media_url),
            "captions_url": _absolute(request, media.captions_url),
            "narration_url": _absolute(request, media.narration_url),
            "poster_url": _absolute(request, media.poster_url),
            "resources": [
                {
                    "id": r.id,
                    "title": r.title,
                    "filename": r.filename,
                    "url": _absolute(request, r.url),
                }
                for r in media.resources
            ],
            "previous_lesson_id": previous,
            "next_lesson_id": following,
            "progress": progress,
        }
        return Response(LessonOut(data).data)


def _absolute(request: Request, url: str | None) -> str | None:
    if url and url.startswith("/"):
        return request.build_absolute_uri(url)
    return url


class LessonProgressApi(APIView):
    @extend_schema(
        tags=["lessons"],
        operation_id="lesson_progress_retrieve",
        summary="Where I am in a lesson",
        description="The saved playback position, to resume on any device.",
        responses={200: LessonProgressOut, **REFUSALS},
        examples=[PROGRESS_EXAMPLE],
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        lesson, ctx, _access = _allowed_lesson(request, lesson_id)
        enrollment = _enrollment_of(ctx)
        progress = enrollment_selectors.lesson_progress_get(enrollment=enrollment, lesson=lesson)
        return Response(LessonProgressOut(_progress_data(progress)).data)

    @extend_schema(
        tags=["lessons"],
        operation_id="lesson_progress_update",
        summary="Save my position in a lesson",
        description=(
            "Players call this every few seconds and on pause. Cheap (one write); answers "
            "204 without a body."
        ),
        request=LessonProgressIn,
        responses={
            204: None,
            400: OpenApiResponse(ErrorSerializer, description="Invalid position"),
            **REFUSALS,
        },
        examples=[OpenApiExample("Position", value={"position_seconds": 312.5}, request_only=True)],
    )
    def put(self, request: Request, lesson_id: int) -> Response:
        s = LessonProgressIn(data=request.data)
        s.is_valid(raise_exception=True)
        lesson, ctx, _access = _allowed_lesson(request, lesson_id)
        enrollment_services.lesson_progress_update(
            enrollment=_enrollment_of(ctx),
            lesson=lesson,
            position_seconds=s.validated_data["position_seconds"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LessonCompleteApi(APIView):
    @extend_schema(
        tags=["lessons"],
        operation_id="lesson_complete",
        summary="Mark a lesson complete",
        description=(
            "Idempotent. Answers the course progress; when every required lesson is done the "
            "enrollment becomes `completed`."
        ),
        request=None,
        responses={200: LessonCompleteOut, **REFUSALS},
        examples=[
            OpenApiExample(
                "Completed",
                value={
                    "lesson_id": 17,
                    "completed": True,
                    "course_progress_percent": 60,
                    "enrollment_status": "active",
                    "course_completed_at": None,
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        lesson, ctx, _access = _allowed_lesson(request, lesson_id)
        enrollment = enrollment_services.lesson_complete(
            enrollment=_enrollment_of(ctx), lesson=lesson
        )
        data = {
            "lesson_id": lesson.pk,
            "completed": True,
            "course_progress_percent": enrollment.progress_percent,
            "enrollment_status": enrollment.status,
            "course_completed_at": enrollment.completed_at,
        }
        return Response(LessonCompleteOut(data).data)
