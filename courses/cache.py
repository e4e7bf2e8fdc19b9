"""Cached course data: the outline of each course and the catalogue's list pages.

Keys are versioned. ``course_outline_invalidate`` moves the course (and the catalogue) to a
new version at once and again when the transaction commits, so a reader that cached the old
rows between the two (another process, before the commit) never serves them afterwards.
Every save or delete of a course, module, lesson, resource, tag or category, and changes of
a course's tags, instructors and prerequisites invalidate through the signal receivers
below; services that write with ``update()`` call ``course_outline_invalidate`` (or
``catalogue_invalidate`` for card-only fields such as ratings) themselves.

Enrollment counts change through ``courses.services.catalogue``, which retires the catalogue
pages as well.

The course page's public parts (hero, about, rating summary, a page of reviews) are cached
per course version, reviews version (every review save or delete moves it), language and
variant for ``PAGE_TTL`` seconds, so learner counts and "3 minutes ago" are at most that late.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypedDict

from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.translation import get_language

from courses.markdown import render_markdown
from courses.models import Category, Course, Lesson, Module, Resource, Review, Tag
from courses.selectors.catalogue import duration_clock, duration_words
from kalpla.cache import cache_version, cache_version_bump_on_commit, cache_versions

OUTLINE_SCHEMA = 2
"""Bump when the cached shape changes: old entries are then simply never read."""
OUTLINE_TTL = 60 * 60 * 24


class LessonData(TypedDict):
    id: int
    title: str
    kind: str
    kind_label: str
    duration: int
    duration_label: str
    is_preview: bool
    order: int


class ModuleData(TypedDict):
    id: int
    title: str
    description: str
    order: int
    duration: int
    duration_label: str
    lessons: list[LessonData]


class Outline(TypedDict):
    modules: list[ModuleData]
    lesson_count: int
    duration: int
    duration_label: str
    preview_lesson_id: int | None
    description_html: str


CATALOGUE_TTL = 60
CATALOGUE = "courses:catalogue"
PAGE_TTL = 60


def _course_scope(course_id: int) -> str:
    return f"courses:{course_id}"


def _reviews_scope(course_id: int) -> str:
    return f"courses:reviews:{course_id}"


def _outline_key(course_id: int, version: int, part: str = "outline") -> str:
    # Per language: the outline carries translated duration labels.
    language = get_language() or "en"
    return f"courses:{part}:{OUTLINE_SCHEMA}:{course_id}:{version}:{language}"


def course_outline_invalidate(*, course: Course | int) -> None:
    """Forget the cached outline of ``course`` (and the catalogue pages) now and on commit."""
    course_id = course if isinstance(course, int) else course.pk
    if course_id is None:
        return
    cache_version_bump_on_commit(_course_scope(course_id), CATALOGUE)


def catalogue_invalidate() -> None:
    """Forget the cached catalogue pages (card fields changed: rating, price...)."""
    cache_version_bump_on_commit(CATALOGUE)


def catalogue_cache_key(params: str) -> str:
    """A key for one catalogue page (``params``: the normalised request) in this version."""
    digest = hashlib.sha256(params.encode()).hexdigest()[:32]
    return f"courses:catalogue:{OUTLINE_SCHEMA}:{cache_version(CATALOGUE)}:{digest}"


def course_outline_build(*, course: Course) -> Outline:
    lessons_by_module: dict[int, list[LessonData]] = {}
    # The public outline: what students see (no drafts, no lessons of draft modules).
    lessons = Lesson.objects.visible().filter(course=course).order_by("order", "id")
    for lesson in lessons.only(
        "id", "module_id", "title", "kind", "duration", "is_preview", "order"
    ):
        lessons_by_module.setdefault(lesson.module_id, []).append(
            LessonData(
                id=lesson.pk,
                title=lesson.title,
                kind=lesson.kind,
                kind_label=str(Lesson.Kind(lesson.kind).label),
                duration=lesson.duration,
                duration_label=duration_clock(lesson.duration),
                is_preview=lesson.is_preview,
                order=lesson.order,
            )
        )
    modules: list[ModuleData] = []
    preview_lesson_id: int | None = None
    for module in Module.objects.visible().filter(course=course).order_by("order", "id"):
        module_lessons = lessons_by_module.get(module.pk, [])
        module_duration = sum(lesson["duration"] for lesson in module_lessons)
        modules.append(
            ModuleData(
                id=module.pk,
                title=module.title,
                description=module.description,
                order=module.order,
                duration=module_duration,
                duration_label=duration_words(module_duration),
                lessons=module_lessons,
            )
        )
        if preview_lesson_id is None:
            preview_lesson_id = next((x["id"] for x in module_lessons if x["is_preview"]), None)
    total = sum(m["duration"] for m in modules)
    return Outline(
        modules=modules,
        lesson_count=sum(len(m["lessons"]) for m in modules),
        duration=total,
        duration_label=duration_words(total),
        preview_lesson_id=preview_lesson_id,
        description_html=str(render_markdown(course.description, min_heading=3)),
    )


def course_outline(*, course: Course) -> Outline:
    """The outline of ``course`` (any status), from the cache when it is there."""
    key = _outline_key(course.pk, cache_version(_course_scope(course.pk)))
    outline: Outline | None = cache.get(key)
    if outline is None:
        outline = course_outline_build(course=course)
        cache.set(key, outline, timeout=OUTLINE_TTL)
    return outline


def course_page_parts(
    *,
    course: Course,
    lesson_url_prefix: str,
    public: str | None = None,
    build_public: Callable[[Outline], dict[str, str]] | None = None,
) -> tuple[Outline, str, dict[str, str] | None]:
    """The outline, the rendered outline section and (with ``public``) the page's public parts.

    The outline section is the heaviest part of the page to render (every lesson of every
    module) and the same for every visitor, so it is rendered once per version and language.
    ``public`` names a variant of the other parts every ordinary visitor shares;
    ``build_public(outline)`` renders them when the cache has none. Two cache round trips.
    """
    course_version, reviews_version = cache_versions(
        _course_scope(course.pk), _reviews_scope(course.pk)
    )
    outline_key = _outline_key(course.pk, course_version)
    html_key = _outline_key(course.pk, course_version, "syllabus")
    keys = [outline_key, html_key]
    public_key = None
    if public is not None:
        public_key = _outline_key(course.pk, course_version, f"page:{public}:{reviews_version}")
        keys.append(public_key)
    found = cache.get_many(keys)
    outline: Outline | None = found.get(outline_key)
    if outline is None:
        outline = course_outline_build(course=course)
        cache.set(outline_key, outline, timeout=OUTLINE_TTL)
    html: str | None = found.get(html_key)
    if html is None:
        html = render_to_string(
            "courses/_syllabus.html",
            {"outline": outline, "lesson_url_prefix": lesson_url_prefix},
        )
        cache.set(html_key, html, timeout=OUTLINE_TTL)
    fragments: dict[str, str] | None = None
    if public_key is not None and build_public is not None:
        fragments = found.get(public_key)
        if fragments is None:
            fragments = {name: str(part) for name, part in build_public(outline).items()}
            cache.set(public_key, fragments, timeout=PAGE_TTL)
    return outline, html, fragments


@receiver(post_save, sender=Review, dispatch_uid="courses.page.review_saved")
@receiver(post_delete, sender=Review, dispatch_uid="courses.page.review_deleted")
def _reviews_changed(sender: type[Model], instance: Review, **kwargs: Any) -> None:
    cache_version_bump_on_commit(_reviews_scope(instance.course_id))


def _course_id_of(instance: Model) -> int | None:
    if isinstance(instance, Course):
        return instance.pk
    if isinstance(instance, Module | Lesson):
        return instance.course_id
    if isinstance(instance, Resource):
        lesson_course = (
            Lesson.objects.filter(pk=instance.lesson_id).values_list("course_id", flat=True).first()
        )
        return lesson_course
    return None


@receiver(post_save, sender=Course, dispatch_uid="courses.outline.course_saved")
@receiver(post_delete, sender=Course, dispatch_uid="courses.outline.course_deleted")
@receiver(post_save, sender=Module, dispatch_uid="courses.outline.module_saved")
@receiver(post_delete, sender=Module, dispatch_uid="courses.outline.module_deleted")
@receiver(post_save, sender=Lesson, dispatch_uid="courses.outline.lesson_saved")
@receiver(post_delete, sender=Lesson, dispatch_uid="courses.outline.lesson_deleted")
@receiver(post_save, sender=Resource, dispatch_uid="courses.outline.resource_saved")
@receiver(post_delete, sender=Resource, dispatch_uid="courses.outline.resource_deleted")
def _outline_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    course_id = _course_id_of(instance)
    if course_id is not None:
        course_outline_invalidate(course=course_id)


@receiver(post_save, sender=Tag, dispatch_uid="courses.catalogue.tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="courses.catalogue.tag_deleted")
@receiver(post_save, sender=Category, dispatch_uid="courses.catalogue.category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="courses.catalogue.category_deleted")
def _catalogue_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    catalogue_invalidate()


@receiver(m2m_changed, sender=Course.tags.through, dispatch_uid="courses.catalogue.tags")
@receiver(
    m2m_changed, sender=Course.instructors.through, dispatch_uid="courses.catalogue.instructors"
)
@receiver(
    m2m_changed, sender=Course.prerequisites.through, dispatch_uid="courses.catalogue.prerequisites"
)
def _course_relations_changed(
    sender: type[Model], instance: Model, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Course) and not kwargs.get("reverse"):
        course_outline_invalidate(course=instance)
        return
    # Changed from the other side (a tag, a user, a prerequisite): the ids are courses'.
    for course_id in pk_set or ():
        course_outline_invalidate(course=course_id)
    catalogue_invalidate()
