"""What the role homes show of mentoring (dashboards calls these): the mentor's mentees at a
glance with their pending requests, and a mentee's next sessions. A fixed number of queries
whatever the number of mentees."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.selectors import user_cache_scope
from kalpla.cache import cache_get_current, cache_set_current, cache_versions
from mentorship.cache import mentee_sessions_scope
from mentorship.models import (
    ActionItem,
    Goal,
    MentorSession,
    Mentorship,
    MentorshipRequest,
)
from mentorship.policies import session_can_join
from mentorship.selectors.progress import goal_at_risk_q

UPCOMING_SESSIONS = 3
UPCOMING_TTL = 3600


@dataclass(frozen=True)
class UpcomingSession:
    session: MentorSession
    can_join: bool


@dataclass(frozen=True)
class MentoringOverview:
    mentees: list[Mentorship]
    """Active mentorships of the mentor, each with ``next_session_at``, ``next_session_id``,
    ``open_action_items`` and ``goals_at_risk``."""
    pending_requests: int
    upcoming_sessions: list[UpcomingSession]


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("mentorship_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def mentor_mentees(*, mentor: Any, now: datetime | None = None) -> list[Mentorship]:
    """Every active mentee of ``mentor`` (one query), soonest next session first."""
    now = now or timezone.now()
    next_session = MentorSession.objects.filter(
        mentorship_id=OuterRef("pk"), status=MentorSession.Status.BOOKED, ends_at__gte=now
    ).order_by("starts_at", "pk")
    rows = (
        Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE)
        .select_related("mentee")
        .annotate(
            next_session_at=Subquery(next_session.values("starts_at")[:1]),
            next_session_id=Subquery(next_session.values("pk")[:1]),
            open_action_items=_count(
                ActionItem.objects.filter(mentorship_id=OuterRef("pk"), done_at__isnull=True)
            ),
            goals_at_risk=_count(
                Goal.objects.filter(mentorship_id=OuterRef("pk")).filter(goal_at_risk_q(now=now))
            ),
        )
    )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(
        rows,
        key=lambda m: (getattr(m, "next_session_at", None) or far, m.mentee.display_name, m.pk),
    )


def mentor_pending_requests(*, mentor: Any) -> int:
    return MentorshipRequest.objects.filter(
        mentor=mentor, status=MentorshipRequest.Status.PENDING
    ).count()


def mentee_upcoming_cache_key(*, user_id: int, limit: int = UPCOMING_SESSIONS) -> str:
    """Where ``mentee_upcoming_sessions`` (without ``now``) keeps its rows, for a page that
    reads them ahead with its own (``kalpla.cache.cache_read_ahead``)."""
    return f"mentorship:mentee-upcoming:{user_id}:{limit}"


def mentee_upcoming_sessions(
    *, user: Any, now: datetime | None = None, limit: int = UPCOMING_SESSIONS
) -> list[UpcomingSession]:
    """The user's next booked sessions as a mentee, with whether "Join" is open.

    Without ``now`` (the signed-in home) the rows come from the cache, one round trip: kept
    under the mentee's scope and their mentors' (``mentorship.cache``), and only until the
    first of them ends, when the next one may come into the list. A miss is one query."""
    if now is not None:
        sessions = _upcoming_rows(user_id=user.pk, now=now, limit=limit)
    else:
        now = timezone.now()
        key = mentee_upcoming_cache_key(user_id=user.pk, limit=limit)
        cached: list[MentorSession] | None = cache_get_current(key)
        if cached is not None:
            sessions = [s for s in cached if s.ends_at >= now]
        else:
            scope = mentee_sessions_scope(user.pk)
            (version,) = cache_versions(scope)
            sessions = _upcoming_rows(user_id=user.pk, now=now, limit=limit)
            versions = {scope: version}
            mentors = [user_cache_scope(s.mentor_id) for s in sessions]
            versions.update(zip(mentors, cache_versions(*mentors), strict=True))
            ends = min((s.ends_at for s in sessions), default=None)
            ttl = UPCOMING_TTL if ends is None else (ends - now).total_seconds()
            if ttl >= 1:
                cache_set_current(key, sessions, versions=versions, timeout=min(ttl, UPCOMING_TTL))
    return [
        UpcomingSession(
            session=s,
            can_join=session_can_join(
                user=user,
                mentor_id=s.mentor_id,
                mentee_id=s.mentee_id,
                status=s.status,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                now=now,
            ),
        )
        for s in sessions
    ]


def _upcoming_rows(*, user_id: int, now: datetime, limit: int) -> list[MentorSession]:
    return list(
        MentorSession.objects.filter(
            mentee_id=user_id, status=MentorSession.Status.BOOKED, ends_at__gte=now
        )
        .select_related("mentor")
        .order_by("starts_at", "pk")[:limit]
    )


def mentoring_overview(
    *, user: Any, is_mentor: bool, now: datetime | None = None
) -> MentoringOverview:
    """The home's mentoring parts: a mentor's mentees and pending requests (empty for others),
    and everyone's next sessions as a mentee."""
    now = now or timezone.now()
    return MentoringOverview(
        mentees=mentor_mentees(mentor=user, now=now) if is_mentor else [],
        pending_requests=mentor_pending_requests(mentor=user) if is_mentor else 0,
        upcoming_sessions=mentee_upcoming_sessions(user=user, now=now),
    )
