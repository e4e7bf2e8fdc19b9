"""Reads of the enrollments app: querysets with the joins their callers need."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import get_language

from courses.selectors.lessons import course_list, course_published_list, lesson_visible_list
from enrollments.cache import LEARNING_TTL, learning_scope
from enrollments.models import AccessPass, Enrollment, LessonProgress
from kalpla.cache import cache_get_many_current, cache_set_current, cache_version

if TYPE_CHECKING:
    from courses.models import Course, Lesson

LIVE_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)
# Kept with their progress but without access: left the course, or their plan lapsed.
INACTIVE_STATUSES = (Enrollment.Status.CANCELLED, Enrollment.Status.SUSPENDED)


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def enrollment_get(*, user: Any, course: Course) -> Enrollment | None:
    """The user's live (active or completed) enrollment in ``course``; None otherwise.

    A cancelled enrollment counts as none. Anonymous users have none. One query.
    """
    user_id = _user_id(user)
    if user_id is None:
        return None
    return (
        Enrollment.objects.filter(user_id=user_id, course_id=course.pk, status__in=LIVE_STATUSES)
        .select_related("cohort")
        .first()
    )


def course_student_ids(
    *,
    course_id: int,
    enrolled_from: datetime | None = None,
    enrolled_before: datetime | None = None,
) -> list[int]:
    """User ids of the course's live (active or completed) students, optionally only those
    who started in ``[enrolled_from, enrolled_before)``: enrolled then, or for a cohort
    enrollment, whose cohort started then (where drip lessons count from). One query."""
    enrollments = Enrollment.objects.filter(course_id=course_id, status__in=LIVE_STATUSES)
    if enrolled_from is not None:
        enrollments = enrollments.filter(
            Q(cohort__isnull=True, created_at__gte=enrolled_from)
            | Q(cohort__starts_at__gte=enrolled_from)
        )
    if enrolled_before is not None:
        enrollments = enrollments.filter(
            Q(cohort__isnull=True, created_at__lt=enrolled_before)
            | Q(cohort__starts_at__lt=enrolled_before)
        )
    return list(enrollments.order_by("id").values_list("user_id", flat=True))


def course_students_query(*, course_id: int, user_id: int | None = None) -> QuerySet[Any]:
    """The course's live (active or completed) students as a ``user_id`` values queryset, to
    use as a subquery (or compile into SQL) without running it here."""
    enrollments = Enrollment.objects.filter(course_id=course_id, status__in=LIVE_STATUSES)
    if user_id is not None:
        enrollments = enrollments.filter(user_id=user_id)
    return enrollments.order_by().values("user_id")


def first_lesson_id_subquery(course_ref: str = "course") -> Subquery:
    """The id of the first visible lesson (outline order) of the course at
    ``OuterRef(course_ref)``."""
    first = (
        lesson_visible_list()
        .filter(course=OuterRef(course_ref))
        .order_by("module__order", "module_id", "order", "id")
        .values("id")[:1]
    )
    return Subquery(first)


def enrollment_list(*, user: Any) -> QuerySet[Enrollment]:
    """The user's live enrollments, most recently used first, with the course and the lesson
    to continue from (``continue_lesson_id``: the last lesson opened, else the first lesson)
    in the same query."""
    user_id = _user_id(user)
    if user_id is None:
        return Enrollment.objects.none()
    return (
        Enrollment.objects.filter(user_id=user_id, status__in=LIVE_STATUSES)
        .select_related("course", "last_lesson", "cohort")
        .annotate(first_lesson_id=first_lesson_id_subquery())
        .order_by(F("last_viewed_at").desc(nulls_last=True), "-created_at", "-id")
    )


def recently_viewed_lessons(*, user: Any, limit: int = 5) -> list[LessonProgress]:
    """The lessons the user opened or watched last, newest first, with lesson and course."""
    user_id = _user_id(user)
    if user_id is None:
        return []
    return list(
        LessonProgress.objects.filter(
            enrollment__user_id=user_id,
            enrollment__status__in=LIVE_STATUSES,
            lesson__is_published=True,
            lesson__module__is_published=True,
        )
        .select_related("lesson", "lesson__course")
        .order_by("-updated_at")[:limit]
    )


def lesson_progress_get(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress | None:
    return LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).first()


def lesson_progress_map(*, enrollment: Enrollment | None) -> dict[int, LessonProgress]:
    """Progress rows of one enrollment by lesson id (for outlines with completion ticks)."""
    if enrollment is None:
        return {}
    return {p.lesson_id: p for p in LessonProgress.objects.filter(enrollment=enrollment)}


def learning_list(*, user: Any, limit: int = 50) -> list[Enrollment]:
    """The dashboard's "Continue learning" list: live enrollments with the lesson to continue
    from (``continue_lesson_id``: the last lesson opened, else the first). One query."""
    enrollments = list(enrollment_list(user=user)[:limit])
    for enrollment in enrollments:
        enrollment.continue_lesson_id = (  # type: ignore[attr-defined]
            enrollment.last_lesson_id or enrollment.first_lesson_id  # type: ignore[attr-defined]
        )
    return enrollments


def learning_cached(
    *, user_id: int, part: str, build: Callable[[], Any], timeout: int = LEARNING_TTL
) -> Any:
    """``build()``'s result for this student, cached until their enrollments change."""
    return learning_cached_parts(user_id=user_id, parts={part: (build, timeout)})[part]


def learning_part_key(*, user_id: int, part: str) -> str:
    """The cache key of one of the student's cached parts (``learning_cached_parts``)."""
    return f"learning:{part}:{user_id}:{get_language() or 'en'}"


def learning_cached_part_keys(*, user_id: int, parts: Iterable[str]) -> list[str]:
    """The entries ``learning_cached_parts`` reads for these parts, for a page that reads
    them ahead with its own (``kalpla.cache.cache_read_ahead``)."""
    return [learning_part_key(user_id=user_id, part=part) for part in parts]


def learning_cached_parts(
    *, user_id: int, parts: dict[str, tuple[Callable[[], Any], int]]
) -> dict[str, Any]:
    """Several of the student's cached parts (name: ``(build, timeout)``) in one round trip
    (each entry checked against the student's version with it), each built on a miss."""
    scope = learning_scope(user_id)
    keys = {part: learning_part_key(user_id=user_id, part=part) for part in parts}
    found = cache_get_many_current(keys.values())
    values: dict[str, Any] = {}
    version: int | None = None
    for part, (build, timeout) in parts.items():
        if keys[part] in found:
            values[part] = found[keys[part]]
            continue
        if version is None:
            version = cache_version(scope)  # before the build: a write meanwhile retires it
        values[part] = build()
        cache_set_current(keys[part], values[part], versions={scope: version}, timeout=timeout)
    return values


def recently_viewed_cards(*, user: Any, limit: int = 5) -> list[dict[str, Any]]:
    """``recently_viewed_lessons`` as ready data for the dashboard (course slug and title,
    lesson id and title)."""
    return [
        {
            "course_slug": p.lesson.course.slug,
            "course_title": p.lesson.course.title,
            "lesson_id": p.lesson_id,
            "lesson_title": p.lesson.title,
        }
        for p in recently_viewed_lessons(user=user, limit=limit)
    ]


def live_enrollments_cache_key(*, user_id: int) -> str:
    """Where ``live_enrollments_by_course`` keeps its entry (for reading it ahead)."""
    return learning_part_key(user_id=user_id, part="live")


def live_enrollments_by_course(*, user_id: int) -> dict[int, Enrollment]:
    """The student's live enrollments by course id, cached until their enrollments change
    (for pages that show them: snapshots, never written through)."""
    return cast(
        dict[int, Enrollment],
        learning_cached(
            user_id=user_id,
            part="live",
            build=lambda: {
                e.course_id: e
                for e in Enrollment.objects.filter(
                    user_id=user_id, status__in=LIVE_STATUSES
                ).select_related("cohort")
            },
        ),
    )


# --- recommendations ("not enrolled in") ---------------------------------------------------

RECOMMENDATION_FIELDS = (
    "id", "slug", "title", "subtitle", "price", "currency", "level", "thumbnails", "cover",
    "rating_average", "rating_count", "enrollment_count", "category__slug",
    # every language's column, so the card's category name never costs a query of its own
    *(f"category__name_{code}" for code, _name in settings.LANGUAGES), "category__name",
)  # fmt: skip


def course_recommendations(*, user: Any, limit: int = 4) -> list[Course]:
    """Published courses for the user's home: not enrolled in, not taught by them; courses in
    the categories they learn in first, then the best rated and most followed. Two queries."""
    user_id = getattr(user, "pk", None) or 0
    mine = Enrollment.objects.filter(user_id=user_id).values("course_id")
    categories = list(
        course_list()
        .filter(pk__in=mine, category__isnull=False)
        .values_list("category_id", flat=True)
        .distinct()
    )
    return list(
        course_published_list()
        .exclude(pk__in=mine)
        .exclude(instructors__id=user_id)
        .select_related("category")
        .only(*RECOMMENDATION_FIELDS)
        .annotate(
            in_my_categories=Case(
                When(category_id__in=categories, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-in_my_categories", "-rating_average", "-enrollment_count", "-published_at")[
            :limit
        ]
    )


def access_pass_for(*, user: Any, course: Course) -> AccessPass | None:
    """The user's live pass that covers ``course`` (one query); None for anonymous users."""
    user_id = _user_id(user)
    if user_id is None:
        return None
    return (
        AccessPass.objects.filter(user_id=user_id, is_active=True)
        .filter(Q(all_courses=True) | Q(courses=course.pk))
        .order_by("-all_courses", "id")
        .first()
    )


# Cohorts have their own module; the import of cohorts by name is asked for here too.
from enrollments.cohorts.selectors import cohort_find as cohort_find  # noqa: E402


def course_completed_query(*, course_id: int) -> QuerySet[Any]:
    """``user_id`` values of the people who completed the course (a subquery, not run here)."""
    return (
        Enrollment.objects.filter(course_id=course_id)
        .filter(Q(status=Enrollment.Status.COMPLETED) | Q(completed_at__isnull=False))
        .order_by()
        .values("user_id")
    )


def course_progress_below_query(*, course_id: int, percent: int) -> QuerySet[Any]:
    """``user_id`` values of the course's live students whose progress is below ``percent``."""
    return (
        Enrollment.objects.filter(
            course_id=course_id, status__in=LIVE_STATUSES, progress_percent__lt=percent
        )
        .order_by()
        .values("user_id")
    )


def learners_viewed_since_query(*, since: datetime) -> QuerySet[Any]:
    """``user_id`` values of everyone who opened a lesson of any course since ``since``."""
    return Enrollment.objects.filter(last_viewed_at__gte=since).order_by().values("user_id")


def course_learner_progress(*, course_id: int) -> QuerySet[Any]:
    """The course's active (not yet completed) students with what says how they are doing:
    progress, when they last opened a lesson, when they enrolled and their cohort's dates,
    and their name and email. One query; a values queryset ordered by the student's id."""
    return (
        Enrollment.objects.filter(course_id=course_id, status=Enrollment.Status.ACTIVE)
        .order_by("user_id")
        .values(
            "user_id",
            "user__name",
            "user__email",
            "progress_percent",
            "last_viewed_at",
            "created_at",
            "cohort__starts_at",
            "cohort__ends_at",
        )
    )
