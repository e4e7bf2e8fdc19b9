"""Reads of booking: sessions a user may see, their lists, the mentorship they book in, a
mentor's own hours."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kalpla.exceptions import NotFound
from mentorship.models import (
    AvailabilityException,
    AvailabilityRule,
    MentorProfile,
    MentorSession,
    Mentorship,
)
from mentorship.policies import mentorship_can_view
from mentorship.selectors.slots import Slot, free_slots

# The API's and the booking page's longest slot search.
SLOT_SEARCH_MAX = timedelta(weeks=6)


def _sessions() -> QuerySet[MentorSession]:
    return MentorSession.objects.select_related("mentor", "mentee", "mentorship")


def session_get_for(*, user: Any, session_id: int) -> MentorSession:
    """The session, for its two people and staff; everyone else: NotFound."""
    session = _sessions().select_related("rescheduled_from").filter(pk=session_id).first()
    if session is None or not mentorship_can_view(
        user=user, mentor_id=session.mentor_id, mentee_id=session.mentee_id
    ):
        raise NotFound(_("Not found."))
    return session


def session_list_for(*, user: Any, when: str = "upcoming", now: datetime | None = None) -> Any:
    """The user's sessions in either role: "upcoming" (booked, not yet ended; soonest
    first) or "past" (ended or cancelled; latest first)."""
    now = now or timezone.now()
    rows = _sessions().filter(Q(mentor_id=user.pk) | Q(mentee_id=user.pk))
    if when == "past":
        return rows.filter(Q(ends_at__lte=now) | ~Q(status=MentorSession.Status.BOOKED)).order_by(
            "-starts_at", "-pk"
        )
    return rows.filter(status=MentorSession.Status.BOOKED, ends_at__gt=now).order_by(
        "starts_at", "pk"
    )


def mentorship_upcoming_sessions(
    *, mentorship: Mentorship, now: datetime | None = None, limit: int = 5
) -> list[MentorSession]:
    now = now or timezone.now()
    return list(
        _sessions()
        .filter(mentorship=mentorship, status=MentorSession.Status.BOOKED, ends_at__gt=now)
        .order_by("starts_at", "pk")[:limit]
    )


def mentorship_get_for(*, user: Any, mentorship_id: int) -> Mentorship:
    """The mentorship, for its two people and staff; everyone else: NotFound."""
    mentorship = (
        Mentorship.objects.select_related("mentor", "mentee").filter(pk=mentorship_id).first()
    )
    if mentorship is None or not mentorship_can_view(
        user=user, mentor_id=mentorship.mentor_id, mentee_id=mentorship.mentee_id
    ):
        raise NotFound(_("Not found."))
    return mentorship


def mentor_profile_of(*, user_id: int) -> MentorProfile:
    profile = MentorProfile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None:
        raise NotFound(_("This mentor takes no bookings."))
    return profile


def mentor_profile_get(*, mentor_profile_id: int) -> MentorProfile:
    """A profile whose slots anyone signed in may see: listed ones (and its own mentor's)."""
    profile = MentorProfile.objects.select_related("user").filter(pk=mentor_profile_id).first()
    if profile is None:
        raise NotFound(_("Not found."))
    return profile


def mentor_rules(*, profile: MentorProfile) -> QuerySet[AvailabilityRule]:
    return AvailabilityRule.objects.filter(mentor=profile).order_by(
        "valid_from", "start_time", "pk"
    )


def mentor_exceptions(
    *, profile: MentorProfile, upcoming_only: bool = False
) -> QuerySet[AvailabilityException]:
    rows = AvailabilityException.objects.filter(mentor=profile)
    if upcoming_only:
        rows = rows.filter(date__gte=timezone.localdate() - timedelta(days=1))
    return rows.order_by("date", "start_time", "pk")


def slot_search(
    *,
    profile: MentorProfile,
    length_minutes: int,
    start: datetime,
    end: datetime,
    mentee_id: int | None = None,
    now: datetime | None = None,
    moving: int | None = None,
) -> list[Slot]:
    """Free slots of one length in [start, end) (at most ``SLOT_SEARCH_MAX``), UTC; with
    ``moving``, the times a session being rescheduled could move to (its own time counts as
    free)."""
    start = start.astimezone(UTC)
    end = min(end.astimezone(UTC), start + SLOT_SEARCH_MAX)
    return free_slots(
        mentor=profile,
        start=start,
        end=end,
        length=timedelta(minutes=length_minutes),
        mentee_id=mentee_id,
        now=now,
        moving=moving,
    )
