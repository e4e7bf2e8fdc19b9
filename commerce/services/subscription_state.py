"""A subscription's state and the access that follows it: the rules, once.

Access (the subscriber's pass ``subscription:<id>`` in ``enrollments.grants``):

- trialing and active: open;
- past due (a renewal payment failed; the gateway keeps retrying): open for
  ``KALPLA_SUBSCRIPTION_GRACE_DAYS`` after the paid period ended, then closed until a
  payment comes through;
- cancelled and expired: closed. Cancelling from the site is "at period end": the status
  stays active (``cancel_at_period_end``) until the period is over, so access lasts as long
  as what was paid for;
- incomplete (the first payment has not come): no pass at all.

A closed pass suspends the plan's enrollments with their progress; an open one resumes them.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from commerce.models import Plan, Subscription
from enrollments.grants import access_pass_set

if TYPE_CHECKING:
    from django.db.models import QuerySet

Status = Subscription.Status
LIVE = (Status.TRIALING, Status.ACTIVE, Status.PAST_DUE)
ENDED = (Status.CANCELLED, Status.EXPIRED)


def grace() -> timedelta:
    return timedelta(days=settings.KALPLA_SUBSCRIPTION_GRACE_DAYS)


def subscription_has_access(*, subscription: Subscription, now: datetime | None = None) -> bool:
    """Whether the subscription's courses are open now (the module docstring's rules)."""
    if subscription.status in (Status.TRIALING, Status.ACTIVE):
        return True
    if subscription.status != Status.PAST_DUE:
        return False
    end = subscription.current_period_end
    return end is None or (now or timezone.now()) < end + grace()


def pass_reference(subscription: Subscription) -> str:
    return f"subscription:{subscription.pk}"


def subscription_access_sync(*, subscription: Subscription, now: datetime | None = None) -> None:
    """Open or close the subscriber's pass to match the subscription (idempotent).

    A subscription that never started (incomplete, or ended before its first period) gets
    no pass; its plan's course list is copied onto the pass each time, so a plan edited by
    staff reaches subscribers at their next event.
    """
    active = subscription_has_access(subscription=subscription, now=now)
    if not active and subscription.current_period_start is None:
        return
    plan = subscription.plan
    access_pass_set(
        user=subscription.user,
        reference=pass_reference(subscription),
        active=active,
        title=plan.name,
        all_courses=plan.all_courses,
        course_ids=[] if plan.all_courses else list(plan.courses.values_list("pk", flat=True)),
    )


def add_interval(start: datetime, interval: str, count: int = 1) -> datetime:
    """``start`` plus ``count`` months or years; the 31st of January plus a month is the
    28th (or 29th) of February."""
    months = count * (12 if interval == Plan.Interval.YEAR else 1)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def subscriptions_live_for(*, user_id: int, plan: Plan) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user_id=user_id, plan=plan, status__in=LIVE)


def trial_days_for(*, user_id: int, plan: Plan) -> int:
    """The plan's free days for this person: one trial per person and plan, so none once
    any subscription of theirs to it started (a checkout left unpaid does not count)."""
    if not plan.trial_days:
        return 0
    started = Subscription.objects.filter(
        user_id=user_id, plan=plan, current_period_start__isnull=False
    ).exists()
    return 0 if started else plan.trial_days
