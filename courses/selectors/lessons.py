"""Reads of courses and lessons the learning pages share (the access rule that decides who
may open them lives in ``enrollments.access``)."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from courses.models import Course, Lesson
from mediatools.captions import CaptionError, Cue, parse_vtt

logger = logging.getLogger(__name__)

# Lesson file links must outlive a long viewing session: a player fetches byte ranges for as
# long as the lesson plays.
MEDIA_URL_EXPIRE_SECONDS = 6 * 3600
LESSON_FILE_ROLES = ("media", "captions", "narration", "poster")


def course_get_by_slug(*, slug: str) -> Course:
    """Any course by slug (callers apply the access rule); Http404 when there is none."""
    return get_object_or_404(Course, slug=slug)


def course_by_slug_in_bulk(*, slugs: Iterable[str]) -> dict[str, Course]:
    """The courses of ``slugs`` that exist, by slug, their instructors prefetched (for the
    ``courses.policies`` checks without a query each): two queries however many."""
    return {
        course.slug: course
        for course in Course.objects.filter(slug__in=set(slugs)).prefetch_related("instructors")
    }


def course_first_lesson_id(*, course: Course) -> int | None:
    """The first lesson students see (outline order)."""
    return (
        Lesson.objects.visible()
        .filter(course=course)
        .order_by("module__order", "module_id", "order", "id")
        .values_list("id", flat=True)
        .first()
    )


def course_url(*, course: Course) -> str:
    """The course page (the catalogue's), or the home page if that route is missing."""
    try:
        return reverse("courses:detail", kwargs={"slug": course.slug})
    except NoReverseMatch:
        return reverse("home")


def lesson_url(*, course: Course, lesson_id: int) -> str:
    return reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson_id})


def lesson_get(*, lesson_id: int) -> Lesson:
    """A lesson with its course and module, resources prefetched; Http404 when missing."""
    return get_object_or_404(
        Lesson.objects.select_related("course", "module").prefetch_related("resources"),
        pk=lesson_id,
    )


def course_lesson_ids(*, course: Course, include_drafts: bool = False) -> list[int]:
    """The course's lesson ids in outline order (one query); drafts only when asked (for
    its instructors and staff)."""
    lessons = Lesson.objects.all() if include_drafts else Lesson.objects.visible()
    return list(
        lessons.filter(course=course)
        .order_by("module__order", "module_id", "order", "id")
        .values_list("id", flat=True)
    )


def neighbours(ids: list[int], lesson_id: int) -> tuple[int | None, int | None]:
    """(previous, next) lesson ids around ``lesson_id`` in outline order."""
    try:
        index = ids.index(lesson_id)
    except ValueError:
        return None, None
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return previous, following


# --- querysets the enrollments app builds its reads on -------------------------------------


def course_list() -> QuerySet[Course]:
    """Every course, whatever its status (callers filter and pick the columns)."""
    return Course.objects.all()


def course_published_list() -> QuerySet[Course]:
    return Course.objects.filter(status=Course.Status.PUBLISHED)


def lesson_visible_list() -> QuerySet[Lesson]:
    """Lessons students see: published, in a published module."""
    return Lesson.objects.visible()


def lesson_with_course_get(*, lesson_id: int) -> Lesson | None:
    """The lesson with its course (one query), or None."""
    return Lesson.objects.select_related("course").filter(pk=lesson_id).first()


# --- the player's transcript ----------------------------------------------------------------

PLAYABLE_KINDS = (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO)
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


def lesson_transcript_cues(*, lesson: Lesson) -> list[TranscriptCue]:
    """A video or audio lesson's captions as cues for the player's transcript panel, cached
    by file name (none for other kinds).

    Caption files get a new random name on every change, so the name is a safe cache key.
    """
    name = lesson.captions.name
    if lesson.kind not in PLAYABLE_KINDS or not name:
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
