"""What the role homes show of mentoring (dashboards calls these): the mentor's mentees at a
glance with their pending requests, and a mentee's next sessions. A fixed number of queries
whatever the number of mentees."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

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


def mentee_upcoming_sessions(
    *, user: Any, now: datetime | None = None, limit: int = UPCOMING_SESSIONS
) -> list[UpcomingSession]:
    """The user's next booked sessions as a mentee (one query), with whether "Join" is open."""
    now = now or timezone.now()
    sessions = (
        MentorSession.objects.filter(
            mentee=user, status=MentorSession.Status.BOOKED, ends_at__gte=now
        )
        .select_related("mentor")
        .order_by("starts_at", "pk")[:limit]
    )
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
