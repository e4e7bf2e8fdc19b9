"""Reads for plans and subscriptions, with the related rows their pages and API need."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from commerce.models import Plan, Subscription
from commerce.policies_subscriptions import subscriptions_can_administer
from commerce.services.subscription_state import LIVE
from courses.selectors.lessons import course_published_list
from kalpla.exceptions import NotFound, PermissionDenied


def _published_courses() -> Prefetch:
    return Prefetch(
        "courses", queryset=course_published_list().order_by("title"), to_attr="published_courses"
    )


def plan_list() -> QuerySet[Plan]:
    """Plans on sale, cheapest first, each with its published courses
    (``plan.published_courses``)."""
    return Plan.objects.filter(is_active=True).prefetch_related(_published_courses())


def plan_get(*, slug: str) -> Plan:
    plan = plan_list().filter(slug=slug).first()
    if plan is None:
        raise NotFound(_("No such plan."))
    return plan


def plans_subscribed(*, user: Any) -> dict[int, Subscription]:
    """The user's live or pending subscriptions by plan id (what the plan pages show)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = Subscription.objects.filter(user=user, status__in=(*LIVE, "incomplete")).order_by(
        "created_at"
    )
    return {sub.plan_id: sub for sub in rows}


def subscription_list(*, user: Any) -> QuerySet[Subscription]:
    """The user's subscriptions, newest first, with plan and latest order."""
    return Subscription.objects.filter(user_id=getattr(user, "pk", None) or 0).select_related(
        "plan", "order"
    )


def subscription_get(*, user: Any, subscription_id: int) -> Subscription:
    """One of the user's own subscriptions; NotFound for anyone else's."""
    sub = subscription_list(user=user).filter(pk=subscription_id).first()
    if sub is None:
        raise NotFound(_("No such subscription."))
    return sub


def subscription_staff_list_for(
    *, user: Any, status: str = "", search: str = ""
) -> QuerySet[Subscription]:
    """Every subscription, for staff (PermissionDenied for everyone else), optionally by
    status and subscriber email or plan name."""
    _require_staff(user)
    rows = Subscription.objects.select_related("plan", "user", "order").order_by(
        "status", "current_period_end", "-created_at"
    )
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(Q(user__email__icontains=search) | Q(plan__name__icontains=search))
    return rows


def subscription_staff_get_for(*, user: Any, subscription_id: int) -> Subscription:
    """Any subscription, for staff (PermissionDenied for everyone else)."""
    sub = subscription_staff_list_for(user=user).filter(pk=subscription_id).first()
    if sub is None:
        raise NotFound(_("No such subscription."))
    return sub


def _require_staff(user: Any) -> None:
    if not subscriptions_can_administer(user=user):
        raise PermissionDenied(_("Only staff can see every subscription."), code="not_staff")


def subscription_status_counts() -> dict[str, int]:
    return dict(
        Subscription.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
