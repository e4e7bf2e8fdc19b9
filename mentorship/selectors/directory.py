"""The mentor directory: listed mentors with search and filters, and what a card shows.

Waking-time overlap: both people are awake from 08:00 to 22:00 in their own zone. For a
reference date, the overlap is how much of one person's waking window that day falls inside
the other's waking windows (the day before, that day and the day after, so zones on either
side of the date line still meet). It is symmetric and follows daylight-saving time on the
date given.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import user_is_staff
from courses.selectors.topics import tag_list
from kalpla.exceptions import NotFound
from mentorship.models import MentorLanguage, MentorProfile, MentorSession, Mentorship
from mentorship.selectors.slots import free_slots, mentor_ids_with_free_slots

WAKING_START = time(8, 0)
WAKING_END = time(22, 0)
OPEN_STATUSES = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)


def zone_info(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _waking(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(day, WAKING_START, tzinfo=tz).astimezone(UTC),
        datetime.combine(day, WAKING_END, tzinfo=tz).astimezone(UTC),
    )


def waking_overlap_hours(zone_a: str, zone_b: str, *, on: date) -> float:
    """Hours of waking time (08:00-22:00 local) the two zones share on ``on``."""
    tz_a, tz_b = zone_info(zone_a), zone_info(zone_b)
    start, end = _waking(on, tz_a)
    seconds = 0.0
    for shift in (-1, 0, 1):
        other_start, other_end = _waking(on + timedelta(days=shift), tz_b)
        seconds += max(0.0, (min(end, other_end) - max(start, other_start)).total_seconds())
    return seconds / 3600


def _per_mentor(rows: QuerySet[Any], value: Any) -> Subquery:
    """``value`` aggregated over ``rows`` (filtered on ``mentor_id``) for the outer profile."""
    grouped = rows.filter(mentor_id=OuterRef("user_id")).order_by().values("mentor_id")
    return Subquery(grouped.annotate(value=value).values("value"))


def open_mentee_count() -> Subquery:
    """Open mentorships (active or paused: a paused one keeps its place) of the profile's
    mentor, for ``MentorProfile`` querysets."""
    return _per_mentor(Mentorship.objects.filter(status__in=OPEN_STATUSES), Count("pk"))


def _rated() -> QuerySet[MentorSession]:
    return MentorSession.objects.filter(rating__isnull=False)


def mentor_cards_base() -> QuerySet[MentorProfile]:
    """Profiles with what a card shows: the user, tags, languages, open mentees and rating
    (``open_mentees``, ``rating_average``, ``rating_count``). Three queries per page."""
    return (
        MentorProfile.objects.select_related("user")
        .prefetch_related(
            Prefetch("expertise", queryset=tag_list()),
            Prefetch("languages", queryset=MentorLanguage.objects.order_by("code")),
        )
        .annotate(
            open_mentees=Coalesce(open_mentee_count(), Value(0)),
            rating_average=_per_mentor(_rated(), Avg("rating")),
            rating_count=Coalesce(_per_mentor(_rated(), Count("pk")), Value(0)),
        )
    )


@dataclass(frozen=True)
class DirectoryFilters:
    search: str = ""
    tag: str = ""
    language: str = ""
    overlap_hours: float | None = None
    available: bool = False
    has_room: bool = False


def mentor_directory(
    *, viewer: Any, filters: DirectoryFilters, now: datetime | None = None
) -> QuerySet[MentorProfile]:
    """Listed mentors (active accounts) matching ``filters``, by name.

    ``overlap_hours`` compares each mentor's zone with the viewer's (``user.timezone``) on the
    viewer's today; ``available`` keeps mentors with a free slot in the next seven days. Each
    of those two costs a few queries of its own, whatever the number of mentors.
    """
    now = now or timezone.now()
    rows = mentor_cards_base().filter(is_listed=True, user__is_active=True)
    if filters.search:
        words = filters.search.split()[:8]
        for word in words:
            rows = rows.filter(
                Q(user__name__icontains=word)
                | Q(headline__icontains=word)
                | Q(bio__icontains=word)
                | Q(expertise__name__iexact=word)
            )
        rows = rows.distinct()
    if filters.tag:
        rows = rows.filter(expertise__slug=filters.tag)
    if filters.language:
        rows = rows.filter(languages__code=filters.language.lower())
    if filters.has_room:
        rows = rows.filter(open_mentees__lt=F("capacity"))  # type: ignore[misc]
    if filters.overlap_hours:
        viewer_zone = getattr(viewer, "timezone", "") or "UTC"
        today = now.astimezone(zone_info(viewer_zone)).date()
        zones = set(rows.order_by().values_list("timezone", flat=True).distinct())
        near = [
            z
            for z in zones
            if waking_overlap_hours(viewer_zone, z, on=today) >= filters.overlap_hours
        ]
        rows = rows.filter(timezone__in=near)
    if filters.available:
        ids = list(rows.order_by().values_list("pk", flat=True))
        free = mentor_ids_with_free_slots(
            mentor_ids=ids, start=now, end=now + timedelta(days=7), now=now
        )
        rows = rows.filter(pk__in=free)
    return rows.order_by("user__name", "pk")


def mentor_profile_get(*, mentor_profile_id: int, viewer: Any) -> MentorProfile:
    """A listed mentor's card; an unlisted one only for its owner and staff."""
    profile = mentor_cards_base().filter(pk=mentor_profile_id, user__is_active=True).first()
    if profile is None or (
        not profile.is_listed and profile.user_id != viewer.pk and not user_is_staff(viewer)
    ):
        raise NotFound(_("No such mentor."))
    return profile


def places_left(profile: MentorProfile) -> int:
    """Free places of an annotated profile (``mentor_cards_base``)."""
    return max(profile.capacity - getattr(profile, "open_mentees", 0), 0)


def local_time(profile: MentorProfile, *, now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(zone_info(profile.timezone))


def availability_summary(
    *, profile: MentorProfile, now: datetime | None = None, days: int = 7
) -> int:
    """How many slots of the mentor's shortest length are free in the next ``days`` days."""
    now = now or timezone.now()
    shortest = timedelta(minutes=min(profile.session_lengths or [30]))
    return len(
        free_slots(
            mentor=profile, start=now, end=now + timedelta(days=days), length=shortest, now=now
        )
    )
