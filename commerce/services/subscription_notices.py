"""What subscribers are told (through ``notify()``): a plan started, renews soon, a payment
failed, a cancellation was noted, access ended. Each notice carries a dedupe key, so an event
delivered twice or a sweep run twice tells nobody twice."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from commerce.models import Subscription
from notifications.services.notify import notify


def _context(subscription: Subscription) -> dict[str, Any]:
    plan = subscription.plan
    end = subscription.current_period_end
    return {
        # a plain date: the same in every recipient's language
        "ends_on": end.date().isoformat() if end else "",
        "plan_name": plan.name,
        "period_end": subscription.current_period_end,
        "trial_ends_at": subscription.trial_ends_at,
        "price": f"{plan.price} {plan.currency}",
        "interval": plan.get_interval_display(),
        "automatic": subscription.gateway != "manual",
        "status": subscription.get_status_display(),
    }


def _send(subscription: Subscription, kind: str, key: str = "", **extra: Any) -> None:
    end = subscription.current_period_end
    moment = end.isoformat() if end else "none"
    notify(
        recipients=[subscription.user],
        kind=f"commerce.subscription_{kind}",
        context={**_context(subscription), **extra},
        url=reverse("subscriptions:detail", args=[subscription.pk]),
        dedupe_key=f"subscription:{subscription.pk}:{kind}:{moment}{key}",
    )


def notice_started(subscription: Subscription) -> None:
    _send(subscription, "started", trialing=subscription.status == "trialing")


def notice_renewal_reminder(subscription: Subscription) -> None:
    _send(subscription, "renewal_reminder")


def notice_payment_failed(subscription: Subscription, *, message: str = "") -> None:
    _send(subscription, "payment_failed", failure_message=message)


def notice_cancelled(subscription: Subscription) -> None:
    _send(subscription, "cancelled")


def notice_ended(subscription: Subscription) -> None:
    _send(subscription, "ended", f":{subscription.status}")
