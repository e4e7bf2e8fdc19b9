"""Cached course reads: each function knows its keys, returns ready data, builds on a miss.

What retires the entries is ``courses.cache`` (signal receivers, one place). Rendered HTML
comes back as the ``SafeString`` the template engine made, so callers print it as it is.
"""

import copy
import hashlib
import time
from collections.abc import Callable, Hashable
from typing import Any, TypedDict, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from courses.cache import (
    CATALOGUE,
    CATALOGUE_TTL,
    OUTLINE_TTL,
    PAGE_TTL,
    SCHEMA,
    course_scope,
    reviews_scope,
)
from courses.markdown import render_markdown
from courses.models import Course, Lesson
from courses.selectors.outline import course_outline_modules, duration_clock, duration_words
from kalpla.cache import (
    cache_count_and_get_current,
    cache_get_current,
    cache_set_current,
    cache_versions,
)

T = TypeVar("T")


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
    first_lesson_id: int | None
    description_html: str


def _language() -> str:
    # Per language: outlines and pages carry translated labels.
    return get_language() or "en"


def _course_key(course_id: int, version: int, part: str) -> str:
    return f"courses:{part}:{SCHEMA}:{course_id}:{version}:{_language()}"


def course_outline_build(*, course: Course) -> Outline:
    """The public outline (what students see) as ready data, from ``course_outline_modules``."""
    modules: list[ModuleData] = []
    preview_lesson_id: int | None = None
    for module in course_outline_modules(course=course):
        module_lessons = [
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
            for lesson in module.lesson_list  # type: ignore[attr-defined]
        ]
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
        first_lesson_id=next((m["lessons"][0]["id"] for m in modules if m["lessons"]), None),
        description_html=str(render_markdown(course.description, min_heading=3)),
    )


def course_for_page_key(slug: str) -> str:
    """Where ``course_for_page`` keeps the course at ``slug`` (for reading it ahead)."""
    return f"courses:by-slug:{SCHEMA}:{slug}"


def course_for_page(*, slug: str, build: Callable[[], Course | None]) -> Course | None:
    """The course at ``slug`` as the course page reads it, from the cache when it is there.

    ``build()`` loads it from the database with what the page shows of it (category,
    instructors, prerequisites, prefetched so the policies and selectors ask no more). The
    entry keeps the versions of the course and of its reviews it was built under and is
    read with them checked, in one round trip (``cache_get_current``): any change of the
    course or its reviews retires it, and the page's other parts are keyed by those
    versions. The versions are read before the row, so a write committed meanwhile is never
    kept; a miss costs one small query for the course's id first.
    """
    key = course_for_page_key(slug)
    entry: dict[str, Any] | None = cache_get_current(key)
    if entry is not None:
        course = cast(Course, entry["course"])
        course._page_versions = entry["versions"]  # type: ignore[attr-defined]
        return course
    course_id = Course.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if course_id is None:
        return None
    scopes = (course_scope(course_id), reviews_scope(course_id))
    versions = tuple(cache_versions(*scopes))
    built = build()
    if built is None or built.pk != course_id:
        return built
    cache_set_current(
        key,
        {"course": _as_kept(built), "versions": versions},
        versions=dict(zip(scopes, versions, strict=True)),
        timeout=PAGE_TTL,
    )
    built._page_versions = versions  # type: ignore[attr-defined]  # for the page's other parts
    return built


def _as_kept(course: Course) -> Course:
    """A copy of ``course`` to keep: its prefetched relations as plain lists, not querysets
    (a pickled queryset carries its whole query: 9 us to read back as a list, 81 as one).
    What the page reads of them (``.all()``, iteration, the policies' and enrollments'
    checks) works on either; anything else (``.filter()``) fails loudly instead of asking
    the database for the wrong rows."""
    kept = copy.copy(course)
    prefetched = getattr(course, "_prefetched_objects_cache", None)
    if prefetched:
        kept._prefetched_objects_cache = {  # type: ignore[attr-defined]
            name: list(rows) for name, rows in prefetched.items()
        }
    return kept


def _page_versions(course: Course) -> tuple[int, int]:
    """The versions of the course and of its reviews: read once with the course by
    ``course_for_page`` (one round trip for the whole page), else now."""
    known: tuple[int, int] | None = getattr(course, "_page_versions", None)
    if known is None:
        course_version, reviews_version = cache_versions(
            course_scope(course.pk), reviews_scope(course.pk)
        )
        known = (course_version, reviews_version)
    return known


def review_of_user_key(*, slug: str, user_id: int) -> str:
    """Where ``review_of_user`` keeps one user's review of the course at ``slug`` (for
    reading it ahead with the course)."""
    return f"courses:review-by-slug:{SCHEMA}:{slug}:{user_id}"


def review_of_user(*, course: Course, user_id: int, build: Callable[[], T]) -> T:
    """One user's review of one course (``build()``: from the database), cached until a
    review of the course changes (the entry checks their version on read). Kept by slug with
    the course's id: a course that takes over the slug of a renamed or deleted one does not
    read the other's entry."""
    key = review_of_user_key(slug=course.slug, user_id=user_id)
    entry: tuple[int, T] | None = cache_get_current(key)
    if entry is None or entry[0] != course.pk:
        _course_version, reviews_version = _page_versions(course)
        entry = (course.pk, build())  # "no review" is kept too
        versions = {reviews_scope(course.pk): reviews_version}
        cache_set_current(key, entry, versions=versions, timeout=PAGE_TTL)
    return entry[1]


def course_outline(*, course: Course) -> Outline:
    """The outline of ``course`` (any status), from the cache when it is there."""
    version, _reviews_version = _page_versions(course)
    key = _course_key(course.pk, version, "outline")
    outline: Outline | None = cache.get(key)
    if outline is None:
        outline = course_outline_build(course=course)
        cache.set(key, outline, timeout=OUTLINE_TTL)
    return outline


class OutlineSummary(TypedDict):
    """What the course page itself reads of the outline (kept with the rendered section)."""

    first_lesson_id: int | None
    preview_lesson_id: int | None


def course_page_parts_key(*, slug: str, public: str) -> str:
    """Where ``course_page_parts`` keeps the public parts of the variant ``public`` of the
    course page at ``slug`` (for reading them ahead with the course)."""
    return f"courses:page-by-slug:{SCHEMA}:{slug}:{public}:{_language()}"


def course_page_parts(
    *,
    course: Course,
    lesson_url_prefix: str,
    public: str | None = None,
    build_public: Callable[[Outline, SafeString], dict[str, Any]] | None = None,
) -> tuple[Outline | OutlineSummary, SafeString, dict[str, Any] | None]:
    """The outline, the rendered outline section and (with ``public``) the page's public parts.

    The outline section is the heaviest part of the page to render (every lesson of every
    module) and the same for every visitor, so it is rendered once per version and language.
    ``public`` names a variant of the other parts every ordinary visitor shares;
    ``build_public(outline, section)`` renders them (and the page shell around them, which
    holds the section) when the cache has none; they are kept with the outline's summary
    (first and preview lesson), checked on read against the versions of the course and of
    its reviews they were built from. When they are cached, neither the outline nor its
    section is read, and the section comes back empty (it is in the shell). One cache round
    trip (none when read ahead; two without ``public`` or on a miss).
    """
    course_version, reviews_version = _page_versions(course)
    html_key = _course_key(course.pk, course_version, "syllabus")
    public_key = None if public is None else course_page_parts_key(slug=course.slug, public=public)
    fragments: dict[str, Any] | None = None
    if public_key is not None:
        fragments = cache_get_current(public_key)
        if fragments is not None and "summary" in fragments and "shell" in fragments:
            return fragments["summary"], SafeString(), fragments
    section: tuple[SafeString, OutlineSummary] | None = cache.get(html_key)
    if public_key is not None and section is not None and fragments is not None:
        return section[1], section[0], fragments
    outline = course_outline(course=course)
    if section is None:
        html = render_to_string(
            "courses/_syllabus.html",
            {"outline": outline, "lesson_url_prefix": lesson_url_prefix},
        )
        summary = OutlineSummary(
            first_lesson_id=outline["first_lesson_id"],
            preview_lesson_id=outline["preview_lesson_id"],
        )
        section = (html, summary)
        cache.set(html_key, section, timeout=OUTLINE_TTL)
    if public_key is not None and build_public is not None and fragments is None:
        fragments = {**build_public(outline, section[0]), "summary": section[1]}
        cache_set_current(
            public_key,
            fragments,
            versions={
                course_scope(course.pk): course_version,
                reviews_scope(course.pk): reviews_version,
            },
            timeout=PAGE_TTL,
        )
    return outline, section[0], fragments


# --- the catalogue's pages ----------------------------------------------------------------


_RECENT_PAGES: dict[str, tuple[float, Any]] = {}
"""Catalogue pages this process answered lately: key -> (kept until, page)."""
RECENT_PAGES_MAX = 256


_RECENT_KEYS: dict[Hashable, str] = {}
"""Cache keys of the catalogue pages this process answered lately, by the caller's ``raw``."""


def catalogue_page_recent(*, variant: Callable[[], str], raw: Hashable) -> Any | None:
    """The page ``catalogue_page`` answered for ``variant()`` in this process within the
    last ``KALPLA_CATALOGUE_MEMORY_SECONDS`` (None: ask ``catalogue_page``). For answers
    that skip the round trip: a course edit reaches them that much later. ``raw``: what
    ``variant()`` is made from, as the request has it (the variant and its key are worked
    out once per process for each)."""
    key = _RECENT_KEYS.get(raw)
    if key is None:
        if len(_RECENT_KEYS) >= RECENT_PAGES_MAX:
            _RECENT_KEYS.clear()
        key = _RECENT_KEYS[raw] = _catalogue_key(variant())
    entry = _RECENT_PAGES.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _catalogue_key(variant: str) -> str:
    return f"courses:catalogue:{SCHEMA}:{hashlib.sha256(variant.encode()).hexdigest()[:32]}"


def _remember(key: str, page: Any) -> None:
    seconds = settings.KALPLA_CATALOGUE_MEMORY_SECONDS
    if seconds > 0:
        if len(_RECENT_PAGES) >= RECENT_PAGES_MAX:
            _RECENT_PAGES.clear()
        _RECENT_PAGES[key] = (time.monotonic() + seconds, page)


def catalogue_page(
    *,
    variant: str,
    build: Callable[[], tuple[list[int] | None, T]],
    counters: dict[str, int] | None = None,
    counted: Callable[[list[int]], None] | None = None,
    remember: bool = False,
) -> T:
    """One browsing page of the catalogue (``variant``: what tells it apart) from the cache.

    ``build()`` returns the ids of the courses the page shows (None: do not keep this page,
    e.g. an error answer) and the page. The entry keeps the version of the catalogue's lists
    and of each of those courses, and is rebuilt when one has moved: editing a course retires
    only the pages that show its card. A hit is one round trip to Redis (the entry and its
    versions checked together, ``kalpla.cache.cache_get_current``). A course changed while
    its page was being built can be shown as it was for up to ``CATALOGUE_TTL`` seconds.

    ``counters`` (cache key: expiry in seconds) are counted in the same round trip (an API's
    throttles) and ``counted`` gets their counts before anything is built (it may raise).
    ``remember``: keep the page for ``catalogue_page_recent`` too.
    """
    key = _catalogue_key(variant)
    counts, found = cache_count_and_get_current(counters or {}, [key])
    if counted is not None:
        counted(counts)
    page: T | None = found.get(key)
    if page is not None:
        if remember:
            _remember(key, page)
        return page
    (catalogue_version,) = cache_versions(CATALOGUE)
    ids, page = build()
    if ids is None:
        return page
    scopes = [course_scope(i) for i in ids]
    versions = {
        CATALOGUE: catalogue_version,
        **dict(zip(scopes, cache_versions(*scopes), strict=True)),
    }
    cache_set_current(key, page, versions=versions, timeout=CATALOGUE_TTL)
    if remember:
        _remember(key, page)
    return page
