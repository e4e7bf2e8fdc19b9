"""Reads of courses and lessons the learning pages share (the access rule that decides who
may open them lives in ``enrollments.access``)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from courses.models import Course, Lesson, Module

# Lesson file links must outlive a long viewing session: a player fetches byte ranges for as
# long as the lesson plays.
MEDIA_URL_EXPIRE_SECONDS = 6 * 3600
LESSON_FILE_ROLES = ("media", "captions", "narration", "poster")


def course_get_by_slug(*, slug: str) -> Course:
    """Any course by slug (callers apply the access rule); Http404 when there is none."""
    return get_object_or_404(Course, slug=slug)


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


def course_outline_querysets(
    *, course: Course, include_drafts: bool
) -> tuple[QuerySet[Module], QuerySet[Lesson]]:
    """The course's modules and lessons (drafts only when asked), for an outline the caller
    orders and trims."""
    modules = Module.objects.filter(course=course)
    lessons = Lesson.objects.filter(course=course)
    if not include_drafts:
        modules, lessons = modules.visible(), lessons.visible()
    return modules, lessons
