"""The lesson player: /courses/<slug>/lessons/<id>/ (and its mark-complete form)."""

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.request import Request

from courses.markdown import render_markdown
from courses.models import Course, Lesson
from courses.selectors.lessons import course_url, lesson_get, lesson_url, neighbours
from enrollments import selectors as enrollment_selectors
from enrollments import services as enrollment_services
from enrollments.access import (
    AccessReason,
    CourseAccess,
    OutlineModule,
    course_access,
    course_learning_outline,
    lesson_access,
    lesson_file_grant,
    lesson_media,
)
from files.views import SignedFileView
from kalpla.integrations.s3 import DownloadGrant
from mediatools.captions import CaptionError, Cue, parse_vtt

logger = logging.getLogger(__name__)

CUES_CACHE_SECONDS = 24 * 3600
MAX_CAPTION_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class TranscriptCue:
    start: float
    end: float
    text: str
    label: str


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def caption_cues(*, lesson: Lesson) -> list[TranscriptCue]:
    """The lesson's captions as cues for the transcript panel, cached by file name.

    Caption files get a new random name on every change, so the name is a safe cache key.
    """
    name = lesson.captions.name
    if not name:
        return []
    key = f"courses:cues:{name}"
    cached: list[tuple[float, float, str]] | None = cache.get(key)
    if cached is None:
        cached = []
        try:
            with default_storage.open(name, "rb") as handle:
                text = handle.read(MAX_CAPTION_BYTES).decode("utf-8", errors="replace")
            cached = [(c.start, c.end, c.text) for c in _parse(text)]
        except (OSError, CaptionError) as exc:
            logger.warning("captions of lesson %s unreadable: %s", lesson.pk, exc)
        cache.set(key, cached, CUES_CACHE_SECONDS)
    return [TranscriptCue(s, e, t, _clock(s)) for s, e, t in cached]


def _parse(text: str) -> list[Cue]:
    return [cue for cue in parse_vtt(text) if cue.text.strip()]


def render_content(text: str) -> SafeString:
    if not text.strip():
        return mark_safe("")
    return render_markdown(text)


def _minutes(seconds: int) -> int:
    return max(1, (seconds + 59) // 60) if seconds else 0


def _outline_context(
    course: Course, ctx: CourseAccess, current_id: int
) -> tuple[list[OutlineModule], dict[int, Any], list[int], OutlineModule | None]:
    progress = enrollment_selectors.lesson_progress_map(enrollment=ctx.enrollment)
    completed = {lid for lid, p in progress.items() if p.completed_at is not None}
    outline = course_learning_outline(course=course, context=ctx, completed_ids=completed)
    ids = [lesson.id for module in outline for lesson in module.lessons]
    current_module = next(
        (m for m in outline if any(lesson.id == current_id for lesson in m.lessons)), None
    )
    return outline, progress, ids, current_module


def lesson_view(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    lesson = lesson_get(lesson_id=lesson_id)
    course = lesson.course
    if course.slug != slug:
        raise Http404
    ctx = course_access(user=request.user, course=course)
    access = lesson_access(user=request.user, lesson=lesson, context=ctx)
    if access.reason == AccessReason.UNPUBLISHED:
        raise Http404
    outline, progress, ids, current_module = _outline_context(course, ctx, lesson.pk)
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
    context.update(
        media=lesson_media(user=request.user, lesson=lesson, access=access),
        cues=caption_cues(lesson=lesson) if lesson.kind in _PLAYABLE else [],
        content_html=render_content(lesson.content),
        resume_seconds=resume,
        progress_url=(
            reverse("api:lesson-progress", kwargs={"lesson_id": lesson.pk})
            if ctx.enrollment is not None
            else ""
        ),
    )
    return render(request, "courses/lesson.html", context)


_PLAYABLE = (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO)


@login_required
@require_POST
def lesson_complete_view(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    """Mark complete: a redirect back to the lesson, or (htmx) the updated panels."""
    lesson = lesson_get(lesson_id=lesson_id)
    course = lesson.course
    if course.slug != slug:
        raise Http404
    ctx = course_access(user=request.user, course=course)
    access = lesson_access(user=request.user, lesson=lesson, context=ctx)
    if access.reason == AccessReason.UNPUBLISHED:
        raise Http404
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
