"""The lesson player: /courses/<slug>/lessons/<id>/ (and its mark-complete form)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.request import Request

from courses.activities import lesson_activity
from courses.markdown import render_markdown
from courses.selectors.lessons import (
    course_url,
    lesson_get,
    lesson_transcript_cues,
    lesson_url,
    neighbours,
)
from enrollments import selectors as enrollment_selectors
from enrollments import services as enrollment_services
from enrollments.access import (
    AccessReason,
    CourseAccess,
    LessonAccess,
    OutlineModule,
    course_access,
    course_learning_outline,
    lesson_access,
    lesson_file_grant,
    lesson_media,
)
from files.views import SignedFileView
from kalpla.integrations.s3 import DownloadGrant


def render_content(text: str) -> SafeString:
    if not text.strip():
        return mark_safe("")
    return render_markdown(text)


def _minutes(seconds: int) -> int:
    return max(1, (seconds + 59) // 60) if seconds else 0


def _outline_context(
    ctx: CourseAccess, current_id: int
) -> tuple[list[OutlineModule], dict[int, Any], list[int], OutlineModule | None]:
    progress = enrollment_selectors.lesson_progress_map(enrollment=ctx.enrollment)
    completed = {lid for lid, p in progress.items() if p.completed_at is not None}
    outline = course_learning_outline(course=ctx.course, context=ctx, completed_ids=completed)
    ids = [lesson.id for module in outline for lesson in module.lessons]
    current_module = next(
        (m for m in outline if any(lesson.id == current_id for lesson in m.lessons)), None
    )
    return outline, progress, ids, current_module


def _access_or_404(
    request: HttpRequest, lesson: Any, slug: str
) -> tuple[CourseAccess, LessonAccess]:
    """The viewer's access to the lesson's course and to the lesson (a ``lesson_get``); 404
    when ``slug`` is not its course's or the viewer may not know the lesson exists."""
    if lesson.course.slug != slug:
        raise Http404
    ctx = course_access(user=request.user, course=lesson.course)
    access = lesson_access(user=request.user, lesson=lesson, context=ctx)
    if access.reason == AccessReason.UNPUBLISHED:
        raise Http404
    return ctx, access


def lesson_view(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    lesson = lesson_get(lesson_id=lesson_id)
    ctx, access = _access_or_404(request, lesson, slug)
    course = lesson.course
    outline, progress, ids, current_module = _outline_context(ctx, lesson.pk)
    current_progress = progress.get(lesson.pk)
    previous_id, next_id = neighbours(ids, lesson.pk)
    context: dict[str, Any] = {
        "course": course,
        "lesson": lesson,
        "module": current_module or lesson.module,
        "access": access,
        "enrollment": ctx.enrollment,
        "outline": outline,
        "is_completed": current_progress is not None and current_progress.completed_at is not None,
        "previous_url": lesson_url(course=course, lesson_id=previous_id) if previous_id else "",
        "next_url": lesson_url(course=course, lesson_id=next_id) if next_id else "",
        "course_url": course_url(course=course),
        "duration_minutes": _minutes(lesson.duration),
    }
    if not access.allowed:
        context["locked_message"] = access.message
        return render(request, "courses/lesson.html", context, status=403)
    resume = 0.0
    if ctx.enrollment is not None:
        resume = current_progress.position_seconds if current_progress else 0.0
        enrollment_services.enrollment_lesson_open(enrollment=ctx.enrollment, lesson=lesson)
    activity = lesson_activity(lesson.kind)
    context.update(
        activity_link=activity.student_link(lesson_id=lesson.pk) if activity else None,
        media=lesson_media(user=request.user, lesson=lesson, access=access),
        cues=lesson_transcript_cues(lesson=lesson),
        content_html=render_content(lesson.content),
        resume_seconds=resume,
        progress_url=(
            reverse("api:lesson-progress", kwargs={"lesson_id": lesson.pk})
            if ctx.enrollment is not None
            else ""
        ),
    )
    return render(request, "courses/lesson.html", context)


@login_required
@require_POST
def lesson_complete_view(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    """Mark complete: a redirect back to the lesson, or (htmx) the updated panels."""
    lesson = lesson_get(lesson_id=lesson_id)
    ctx, access = _access_or_404(request, lesson, slug)
    course = lesson.course
    back = lesson_url(course=course, lesson_id=lesson.pk)
    if not access.allowed or ctx.enrollment is None:
        messages.error(
            request, access.message or _("Enroll in this course to track your progress.")
        )
        return redirect(back)
    enrollment = enrollment_services.lesson_complete(enrollment=ctx.enrollment, lesson=lesson)
    if getattr(request, "htmx", False):
        return render(
            request,
            "courses/player/_completed.html",
            {"course": course, "lesson": lesson, "enrollment": enrollment, "is_completed": True},
        )
    if enrollment.status == enrollment.Status.COMPLETED and enrollment.progress_percent == 100:
        messages.success(request, _("Lesson complete. You finished the course, well done!"))
    else:
        messages.success(request, _("Lesson marked as complete."))
    return redirect(back)


class LessonFileView(SignedFileView):
    """/courses/media/<token>/: a lesson's video, audio, captions, poster or resource, for
    as long as the viewer may open the lesson (checked on every request)."""

    def grant(self, request: Request, token: str) -> DownloadGrant:
        return lesson_file_grant(token=token, user=request.user)
