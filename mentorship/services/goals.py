"""Goals of a mentorship, their milestones and progress updates.

Both participants write (the mentor and the mentee alike); nobody else does, and an ended
mentorship is read-only. A goal "at risk" is defined once, in
``mentorship.selectors.progress.goal_at_risk_q``.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError
from mentorship.models import Goal, Mentorship, Milestone, ProgressUpdate
from mentorship.services.outcomes import UNSET, require_writable


@transaction.atomic
def goal_create(
    *,
    mentorship: Mentorship,
    by: Any,
    title: str,
    description: str = "",
    due_on: date | None = None,
) -> Goal:
    require_writable(user=by, mentorship=mentorship)
    goal = Goal(
        mentorship=mentorship,
        title=(title or "").strip(),
        description=(description or "").strip(),
        due_on=due_on,
        created_by=by,
    )
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    by: Any,
    title: str | None = None,
    description: str | None = None,
    due_on: Any = UNSET,
) -> Goal:
    """Changes what is given; ``due_on=None`` clears the due date."""
    require_writable(user=by, mentorship=goal.mentorship)
    if title is not None:
        goal.title = title.strip()
    if description is not None:
        goal.description = description.strip()
    if due_on is not UNSET:
        goal.due_on = due_on
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_set_status(*, goal: Goal, by: Any, status: str) -> Goal:
    require_writable(user=by, mentorship=goal.mentorship)
    if status not in Goal.Status.values:
        raise ValidationError(_("Choose a status."), errors={"status": [_("Not a valid choice.")]})
    if goal.status != status:
        goal.status = status
        goal.save(update_fields=["status", "updated_at"])
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, by: Any) -> None:
    require_writable(user=by, mentorship=goal.mentorship)
    goal.delete()


# --- milestones ----------------------------------------------------------------------------


@transaction.atomic
def milestone_add(*, goal: Goal, by: Any, title: str, due_on: date | None = None) -> Milestone:
    """Added last (the highest position of the goal plus one)."""
    require_writable(user=by, mentorship=goal.mentorship)
    Goal.objects.select_for_update().filter(pk=goal.pk).first()  # positions: one writer a goal
    last = goal.milestones.aggregate(last=Max("position"))["last"]
    milestone = Milestone(
        goal=goal,
        title=(title or "").strip(),
        due_on=due_on,
        position=0 if last is None else last + 1,
    )
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, by: Any, title: str | None = None, due_on: Any = UNSET
) -> Milestone:
    require_writable(user=by, mentorship=milestone.goal.mentorship)
    if title is not None:
        milestone.title = title.strip()
    if due_on is not UNSET:
        milestone.due_on = due_on
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_reorder(*, goal: Goal, by: Any, milestone_ids: list[int]) -> list[Milestone]:
    """``milestone_ids`` is every milestone of the goal, in the new order."""
    require_writable(user=by, mentorship=goal.mentorship)
    milestones = {m.pk: m for m in Milestone.objects.select_for_update().filter(goal=goal)}
    if len(milestone_ids) != len(set(milestone_ids)) or set(milestone_ids) != set(milestones):
        raise ValidationError(
            _("List every milestone of the goal once."),
            errors={"milestone_ids": [_("List every milestone of the goal once.")]},
        )
    ordered = [milestones[pk] for pk in milestone_ids]
    for position, milestone in enumerate(ordered):
        milestone.position = position
    Milestone.objects.bulk_update(ordered, ["position"])
    return ordered


@transaction.atomic
def milestone_set_position(*, milestone: Milestone, by: Any, position: int) -> list[Milestone]:
    """Moves a milestone to ``position`` (0 first; past the end: last) within its goal."""
    goal = milestone.goal
    ids = list(
        Milestone.objects.filter(goal=goal)
        .order_by("position", "due_on", "pk")
        .values_list("pk", flat=True)
    )
    ids.remove(milestone.pk)
    ids.insert(min(max(position, 0), len(ids)), milestone.pk)
    return milestone_reorder(goal=goal, by=by, milestone_ids=ids)


def milestone_move(*, milestone: Milestone, by: Any, offset: int) -> list[Milestone]:
    """Moves a milestone ``offset`` places (-1 up, +1 down) within its goal."""
    ids = list(
        Milestone.objects.filter(goal_id=milestone.goal_id)
        .order_by("position", "due_on", "pk")
        .values_list("pk", flat=True)
    )
    return milestone_set_position(
        milestone=milestone, by=by, position=ids.index(milestone.pk) + offset
    )


@transaction.atomic
def milestone_complete(*, milestone: Milestone, by: Any) -> Milestone:
    require_writable(user=by, mentorship=milestone.goal.mentorship)
    if milestone.done_at is None:
        milestone.done_at = timezone.now()
        milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def milestone_reopen(*, milestone: Milestone, by: Any) -> Milestone:
    require_writable(user=by, mentorship=milestone.goal.mentorship)
    if milestone.done_at is not None:
        milestone.done_at = None
        milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: Any) -> None:
    require_writable(user=by, mentorship=milestone.goal.mentorship)
    milestone.delete()


# --- progress updates ----------------------------------------------------------------------


@transaction.atomic
def progress_update_create(
    *,
    mentorship: Mentorship,
    by: Any,
    body: str,
    goal: Goal | None = None,
    percent: int | None = None,
) -> ProgressUpdate:
    require_writable(user=by, mentorship=mentorship)
    if goal is not None and goal.mentorship_id != mentorship.pk:
        raise ValidationError(
            _("That goal belongs to another mentorship."),
            errors={"goal": [_("Choose a goal of this mentorship.")]},
        )
    update = ProgressUpdate(
        mentorship=mentorship,
        goal=goal,
        author=by,
        body=(body or "").strip(),
        percent=percent,
    )
    update.full_clean()
    update.save()
    return update
