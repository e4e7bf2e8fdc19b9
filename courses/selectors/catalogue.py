"""Reads for the catalogue, the course page and reviews."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from courses.learners import ViewerAccess, learners
from courses.models import Category, Course, Lesson, Review, Tag
from courses.selectors import cached
from courses.selectors.outline import duration_clock as duration_clock  # the pages print it
from courses.selectors.outline import duration_words as duration_words  # the pages print it
from courses.services.search import course_search
from kalpla.cache import cache_read_ahead
from notifications.selectors import unread_cache_key

if TYPE_CHECKING:
    from accounts.models import User

ORDER_BY: dict[str, tuple[str, ...]] = {
    "relevance": ("-relevance", "-rating_count", "-published_at", "-id"),
    "newest": ("-published_at", "-id"),
    "popular": ("-enrollment_count", "-published_at", "-id"),
    "rating": ("-rating_average", "-rating_count", "-id"),
}

INSTRUCTOR_FIELDS = ("id", "name", "email", "avatar")

UserLike = Any  # a User, AnonymousUser or None


# --- the viewer's relation to a course (rules live in enrollments.access) -----------------


def viewer_access(*, user: UserLike, course: Course, cached: bool = False) -> ViewerAccess:
    """Computed once per page: enrollment, instructor and staff flags (at most four queries;
    ``cached``: the student's enrollments from the cache, for pages that only show them)."""
    return learners().course_access(user=user, course=course, cached=cached)


def enroll_state(*, user: UserLike, course: Course, access: ViewerAccess | None = None) -> str:
    """enroll | continue | locked | sign_in | payment_required | completed."""
    return str(learners().course_enroll_state(user=user, course=course, context=access))


def is_enrolled(*, user: UserLike, course: Course) -> bool:
    """A live (active or completed) enrollment."""
    return learners().course_is_enrolled(user=user, course=course)


# --- catalogue ---------------------------------------------------------------------------------


def _instructors_prefetch() -> Prefetch:
    return Prefetch(
        "instructors",
        queryset=get_user_model().objects.only(*INSTRUCTOR_FIELDS).order_by("name", "id"),
    )


def course_catalogue_base() -> QuerySet[Course]:
    """Published courses with what a card shows: category, instructors, tags and lesson totals."""
    lessons = Lesson.objects.visible().filter(course=OuterRef("pk")).order_by().values("course")
    return (
        Course.objects.filter(status=Course.Status.PUBLISHED)
        .select_related("category")
        .prefetch_related(_instructors_prefetch(), Prefetch("tags", queryset=Tag.objects.all()))
        .defer("search_document", "description")
        .annotate(
            lesson_total=Coalesce(
                Subquery(lessons.annotate(n=Count("id")).values("n"), output_field=IntegerField()),
                Value(0),
            ),
            lesson_duration=Coalesce(
                Subquery(
                    lessons.annotate(s=Sum("duration")).values("s"), output_field=IntegerField()
                ),
                Value(0),
            ),
        )
    )


def course_catalogue_filter(
    *,
    queryset: QuerySet[Course],
    search: str = "",
    category: str = "",
    level: str = "",
    language: str = "",
    is_free: bool | None = None,
    min_rating: Decimal | float | None = None,
    ordering: str = "",
) -> QuerySet[Course]:
    """Apply the catalogue filters to ``queryset``; empty values mean "any".

    ``ordering``: relevance (the default with ``search``), newest (the default without),
    popular (enrollments) or rating. ``category`` is a slug and includes its subcategories.
    """
    if category:
        queryset = queryset.filter(Q(category__slug=category) | Q(category__parent__slug=category))
    if level:
        queryset = queryset.filter(level=level)
    if language:
        queryset = queryset.filter(language=language)
    if is_free is True:
        queryset = queryset.filter(price=0)
    elif is_free is False:
        queryset = queryset.filter(price__gt=0)
    if min_rating:
        queryset = queryset.filter(rating_average__gte=min_rating)
    search = (search or "").strip()
    queryset = course_search(queryset=queryset, query=search)
    if ordering not in ORDER_BY or (ordering == "relevance" and not search):
        ordering = "relevance" if search else "newest"
    return queryset.order_by(*ORDER_BY[ordering])


def category_list() -> QuerySet[Category]:
    """Categories with ``course_count``, the number of their published courses."""
    return Category.objects.annotate(
        course_count=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED))
    ).order_by("order", "name")


# --- course page -------------------------------------------------------------------------------


def _course_for_page(*, slug: str, prefetch: bool) -> Course:
    courses = Course.objects.select_related("category", "category__parent")
    if prefetch:
        courses = courses.prefetch_related(
            _instructors_prefetch(),
            Prefetch("tags", queryset=Tag.objects.all()),
            Prefetch(
                "prerequisites",
                queryset=Course.objects.only("id", "slug", "title", "status").order_by("title"),
            ),
        )
    course = courses.defer("search_document").filter(slug=slug).first()
    if course is None:
        raise Http404("No such course.")
    return course


def course_detail_get(*, slug: str, user: UserLike, prefetch: bool = True) -> Course:
    """The course with its page's relations; Http404 when ``user`` may not see it.

    Drafts and courses in review are visible to their instructors and staff only; archived
    courses also to the students enrolled in them, who keep their lessons (everyone else gets
    a 404, not a 403: they may not know it exists). ``prefetch=False`` leaves instructors,
    tags and prerequisites to be loaded when used (the site's course page caches them).
    """
    course = _course_for_page(slug=slug, prefetch=prefetch)
    if course.is_published or viewer_access(user=user, course=course).is_visible:
        return course
    raise Http404("No such course.")


def course_page_get(*, slug: str, user: UserLike) -> tuple[Course, ViewerAccess]:
    """``course_detail_get`` and the viewer's ``course_access`` with it, for pages that need
    both: the access rule decides visibility, so it is worked out once. The course comes from
    the cache (``courses.selectors.cached.course_for_page``) with its category, instructors
    and prerequisites, so the access rule asks no instructor query."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    # the course and the viewer's cached enrollments in one round trip
    ahead = [cached.course_for_page_key(slug)]
    if user_id is not None:
        ahead += learners().course_access_cache_keys(user_id=user_id)
    with cache_read_ahead(ahead):
        course = cached.course_for_page(
            slug=slug, build=lambda: _course_for_page(slug=slug, prefetch=True)
        )
        if course is None:
            raise Http404("No such course.")
        access = viewer_access(user=user, course=course, cached=True)
    if not access.is_visible:
        raise Http404("No such course.")
    return course, access


def course_page_read_keys(
    *, slug: str, user_id: int | None, variants: Iterable[str]
) -> tuple[list[str], list[str]]:
    """The cache entries the course page at ``slug`` reads for the viewer ``user_id`` (None:
    signed out), as ``cache_read_ahead`` takes them (current entries, plain entries): the
    course, the viewer's cached enrollments and review, the page's cached public parts of
    each of ``variants`` and the bell's unread count."""
    keys = [cached.course_for_page_key(slug)]
    keys += [cached.course_page_parts_key(slug=slug, public=variant) for variant in variants]
    plain = []
    if user_id is not None:
        keys += learners().course_access_cache_keys(user_id=user_id)
        keys.append(cached.review_of_user_key(slug=slug, user_id=user_id))
        plain.append(unread_cache_key(user_id))
    return keys, plain


def course_page_read_ahead(
    *, slug: str, user: UserLike, variants: Iterable[str]
) -> AbstractContextManager[None]:
    """For the course page at ``slug``: what ``course_page_read_keys`` names (which of the
    public parts' ``variants`` the viewer sees is known only once the course and the
    enrollments are), read in one round trip for the reads of the block (each still built on
    a miss; a block inside it, e.g. ``course_page_get``'s, reads only what is not read yet,
    and so does this one inside the request's, ``kalpla.cache.page_reads_ahead``)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    keys, plain = course_page_read_keys(slug=slug, user_id=user_id, variants=variants)
    return cache_read_ahead(keys, plain=plain)


def course_instructors(*, course: Course) -> list[User]:
    """The course's instructors as the page shows them (prefetched ones when there)."""
    if "instructors" in getattr(course, "_prefetched_objects_cache", {}):
        return list(course.instructors.all())
    return list(course.instructors.only(*INSTRUCTOR_FIELDS).order_by("name", "id"))


def course_prerequisites(*, course: Course) -> list[Course]:
    if "prerequisites" in getattr(course, "_prefetched_objects_cache", {}):
        return list(course.prerequisites.all())
    return list(course.prerequisites.only("id", "slug", "title", "status").order_by("title"))


@dataclass(frozen=True)
class RatingSummary:
    average: Decimal
    count: int
    distribution: list[tuple[int, int, int]]
    """(stars, count, percent of all visible reviews), 5 stars first."""


def course_rating_summary(*, course: Course) -> RatingSummary:
    """Average, count and distribution of the visible reviews, from one aggregate query."""
    counts = Review.objects.filter(course=course, is_hidden=False, is_held=False).aggregate(
        **{f"r{stars}": Count("id", filter=Q(rating=stars)) for stars in range(1, 6)}
    )
    total = sum(counts.values())
    stars_sum = sum(stars * counts[f"r{stars}"] for stars in range(1, 6))
    average = (
        (Decimal(stars_sum) / total).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if total
        else Decimal("0.00")
    )
    distribution = [
        (stars, counts[f"r{stars}"], round(100 * counts[f"r{stars}"] / total) if total else 0)
        for stars in range(5, 0, -1)
    ]
    return RatingSummary(average=average, count=total, distribution=distribution)


def course_review_list(
    *, course: Course, include_hidden: bool = False, author_id: int | None = None
) -> QuerySet[Review]:
    """Visible reviews (newest first) with their authors and repliers. Reviews held for
    moderation are shown only to moderators (``include_hidden``) and their author."""
    reviews = Review.objects.filter(course=course).select_related("user", "replied_by")
    if not include_hidden:
        reviews = reviews.filter(is_hidden=False).filter(
            Q(is_held=False) | Q(user_id=author_id or 0)
        )
    return reviews.order_by("-created_at", "-id")


def review_get(*, review_id: int) -> Review:
    review = (
        Review.objects.select_related("course", "user", "replied_by").filter(pk=review_id).first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def review_of_user(*, user: UserLike, course: Course) -> Review | None:
    if user is None or not user.is_authenticated:
        return None
    return cached.review_of_user(
        course=course,
        user_id=user.pk,
        build=lambda: Review.objects.filter(course=course, user_id=user.pk).first(),
    )


# --- display helpers (site and API) -------------------------------------------------------------

THUMBNAIL_WIDTH = 480
CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


def _storage_url(value: str) -> str:
    if value.startswith(("http://", "https://", "/")):
        return value
    # Thumbnails live in the public storage (long cache headers, no signing).
    return str(storages["public"].url(value))


def _thumbnail_name(thumbnails: Any, width: int) -> str | None:
    """The smallest thumbnail at least ``width`` wide from ``Course.thumbnails``.

    Accepts ``{"480": "name-or-url", ...}`` (keys may read "480w") whose values are a storage
    name, a URL or a dict with ``url``/``name``.
    """
    if not isinstance(thumbnails, dict) or not thumbnails:
        return None
    sized: list[tuple[int, str]] = []
    for key, value in thumbnails.items():
        digits = "".join(ch for ch in str(key) if ch.isdigit())
        name = (value.get("url") or value.get("name")) if isinstance(value, dict) else value
        if digits and isinstance(name, str) and name:
            sized.append((int(digits), name))
    if not sized:
        return None
    sized.sort()
    return next((name for size, name in sized if size >= width), sized[-1][1])


def course_thumbnail_url(course: Course, *, width: int = THUMBNAIL_WIDTH) -> str | None:
    """A card-sized image of the course: a generated thumbnail, else the cover, else None."""
    name = _thumbnail_name(course.thumbnails, width)
    if name:
        return _storage_url(name)
    if course.cover:
        return str(course.cover.url)
    return None


def price_label(course: Course) -> str:
    if course.is_free:
        return str(_("Free"))
    symbol = CURRENCY_SYMBOLS.get(course.currency)
    amount = f"{course.price:,.2f}".removesuffix(".00")
    return f"{symbol}{amount}" if symbol else f"{amount} {course.currency}"
