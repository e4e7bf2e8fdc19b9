"""Reads of what comes out of mentoring: notes, action items, goals with their milestones and
progress updates, and the one definition of a goal "at risk".

Lookups by id answer ``NotFound`` to anyone who may not see the mentorship (another user's
private data), so a stranger cannot tell whether the object exists.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kalpla.exceptions import NotFound
from mentorship.models import (
    ActionItem,
    Goal,
    MentorSession,
    Mentorship,
    Milestone,
    ProgressUpdate,
    SessionNote,
)
from mentorship.policies import mentorship_can_view

# A goal nobody reported on for this long is at risk.
STALE_AFTER = timedelta(days=21)


def _visible(user: Any, mentorship: Any) -> bool:
    return mentorship_can_view(
        user=user, mentor_id=mentorship.mentor_id, mentee_id=mentorship.mentee_id
    )


def mentorship_get_for_user(*, mentorship_id: int, user: Any) -> Mentorship:
    mentorship = (
        Mentorship.objects.select_related("mentor", "mentee").filter(pk=mentorship_id).first()
    )
    if mentorship is None or not _visible(user, mentorship):
        raise NotFound(_("No such mentorship."))
    return mentorship


def session_get_for_user(*, session_id: int, user: Any) -> MentorSession:
    session = (
        MentorSession.objects.select_related("mentorship", "mentor", "mentee")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not _visible(user, session.mentorship):
        raise NotFound(_("No such session."))
    return session


def note_get_for_user(*, note_id: int, user: Any) -> SessionNote:
    """A note its reader may see: their own, or a shared one of their mentorship."""
    note = (
        SessionNote.objects.select_related("session__mentorship", "author")
        .filter(pk=note_id)
        .first()
    )
    if (
        note is None
        or not _visible(user, note.session.mentorship)
        or (note.author_id != user.pk and note.visibility != SessionNote.Visibility.SHARED)
    ):
        raise NotFound(_("No such note."))
    return note


def action_item_get_for_user(*, action_item_id: int, user: Any) -> ActionItem:
    item = (
        ActionItem.objects.select_related("mentorship", "owner").filter(pk=action_item_id).first()
    )
    if item is None or not _visible(user, item.mentorship):
        raise NotFound(_("No such action item."))
    return item


def goal_get_for_user(*, goal_id: int, user: Any) -> Goal:
    goal = Goal.objects.select_related("mentorship").filter(pk=goal_id).first()
    if goal is None or not _visible(user, goal.mentorship):
        raise NotFound(_("No such goal."))
    return goal


def milestone_get_for_user(*, milestone_id: int, user: Any) -> Milestone:
    milestone = Milestone.objects.select_related("goal__mentorship").filter(pk=milestone_id).first()
    if milestone is None or not _visible(user, milestone.goal.mentorship):
        raise NotFound(_("No such milestone."))
    return milestone


# --- lists ---------------------------------------------------------------------------------


def notes_visible_q(*, user: Any) -> Q:
    """The notes ``user`` may read: shared ones, and their own private ones."""
    return Q(visibility=SessionNote.Visibility.SHARED) | Q(author_id=user.pk)


def session_note_list(*, session: Any, user: Any) -> QuerySet[SessionNote]:
    return (
        SessionNote.objects.filter(session=session)
        .filter(notes_visible_q(user=user))
        .select_related("author")
        .order_by("created_at", "pk")
    )


def action_item_list(
    *, mentorship: Any, open_only: bool = False, session: Any = None
) -> QuerySet[ActionItem]:
    items = ActionItem.objects.filter(mentorship=mentorship).select_related("owner")
    if open_only:
        items = items.filter(done_at__isnull=True)
    if session is not None:
        items = items.filter(session=session)
    return items.order_by("done_at", "due_on", "pk")


def goal_at_risk_q(*, now: datetime | None = None, prefix: str = "") -> Q:
    """THE definition of a goal at risk, as a filter on goals (``prefix`` for a relation,
    e.g. ``"goals__"``): an open goal that is past its due date, or has an open milestone past
    its due date, or had no progress update for 21 days (counted from its creation when it has
    none yet)."""
    now = now or timezone.now()
    today: date = timezone.localdate(now)
    stale_since = now - STALE_AFTER
    ref = OuterRef(f"{prefix}pk")
    overdue_milestone = Milestone.objects.filter(
        goal_id=ref, done_at__isnull=True, due_on__lt=today
    )
    recent_update = ProgressUpdate.objects.filter(goal_id=ref, created_at__gte=stale_since)
    return Q(**{f"{prefix}status": Goal.Status.OPEN}) & (
        Q(**{f"{prefix}due_on__lt": today})
        | Q(Exists(overdue_milestone))
        | (Q(**{f"{prefix}created_at__lt": stale_since}) & ~Q(Exists(recent_update)))
    )


def goal_list(*, mentorship: Any, now: datetime | None = None) -> QuerySet[Goal]:
    """The mentorship's goals, open first, each with ``at_risk``, its milestones in order and
    its latest progress percent (``latest_percent``)."""
    now = now or timezone.now()
    return (
        Goal.objects.filter(mentorship=mentorship)
        .annotate(
            at_risk=Exists(Goal.objects.filter(pk=OuterRef("pk")).filter(goal_at_risk_q(now=now)))
        )
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("position", "due_on", "pk"))
        )
        .order_by("status", "due_on", "pk")
    )


def goal_progress_percent(goal: Any) -> int:
    """Milestones done out of all (0 without milestones); reads the prefetched milestones."""
    milestones = list(goal.milestones.all())
    if not milestones:
        return 100 if goal.status == Goal.Status.ACHIEVED else 0
    done = sum(1 for m in milestones if m.done_at is not None)
    return round(100 * done / len(milestones))


def progress_update_list(*, mentorship: Any) -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.filter(mentorship=mentorship)
        .select_related("author", "goal")
        .order_by("-created_at", "-pk")
    )
