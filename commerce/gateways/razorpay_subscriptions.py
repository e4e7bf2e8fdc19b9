"""Razorpay Subscriptions: a Razorpay plan per Kalpla plan (made on first use), a
subscription per subscriber paid on Razorpay's hosted page (``short_url``) or with Razorpay
Checkout (``subscription_id``), and the ``subscription.*`` webhooks read into Kalpla's
``subscription.updated``.

The Razorpay gateway (``razorpay_gateway``) delegates its subscription methods here and its
event readers take ``SUBSCRIPTION_READERS`` (reader(event) -> (kind, fields)).

Linking: the subscription is created before the subscriber pays, so the order keeps its id
(``Order.gateway_order_id``) and its notes carry the order's number.

Statuses: ``active`` is active; ``authenticated`` is trialing when its first charge is later
(a trial), else incomplete; ``pending`` (a charge failed, Razorpay retries) is past due;
``halted`` (retries exhausted), ``completed``, ``expired`` and ``paused`` are expired;
``cancelled`` is cancelled; ``created`` is incomplete. Razorpay shows no flag for "cancel at
cycle end": Kalpla keeps the one it set when it asked (``subscription_apply_remote``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings

from commerce.gateways.base import CheckoutSession, RemotePayment, RemoteSubscription
from commerce.gateways.minor_units import from_minor, to_minor

if TYPE_CHECKING:
    from commerce.models import Order, Plan, Subscription

PERIODS = {"month": "monthly", "year": "yearly"}
# How many periods a subscription runs for (Razorpay needs an end): ten years of them.
TOTAL_COUNT = {"month": 120, "year": 10}
STATUSES = {
    "created": "incomplete",
    "active": "active",
    "pending": "past_due",
    "halted": "expired",
    "completed": "expired",
    "expired": "expired",
    "paused": "expired",
    "cancelled": "cancelled",
}


def _when(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def remote_subscription(
    entity: dict[str, Any], *, payment: RemotePayment | None = None
) -> RemoteSubscription:
    status = str(entity.get("status", ""))
    mapped = STATUSES.get(status, "incomplete")
    start, end = _when(entity.get("current_start")), _when(entity.get("current_end"))
    trial_end = None
    if status == "authenticated":
        # authorised, first charge later: a trial runs from the authorisation to the charge
        first_charge = entity.get("start_at") or 0
        if first_charge > time.time():
            mapped, trial_end = "trialing", _when(first_charge)
            start, end = _when(entity.get("created_at")), trial_end
    notes = entity.get("notes") or {}
    return RemoteSubscription(
        subscription_id=str(entity.get("id", "")),
        status=mapped,
        customer_id=str(entity.get("customer_id") or ""),
        order_reference=str(notes.get("order_number", "") if isinstance(notes, dict) else ""),
        current_period_start=start,
        current_period_end=end,
        trial_ends_at=trial_end,
        latest_payment=payment,
    )


def _payment(payload: dict[str, Any], notes: dict[str, Any]) -> RemotePayment | None:
    entity = ((payload.get("payment") or {}).get("entity")) or {}
    if not entity.get("id"):
        return None
    currency = str(entity.get("currency") or "INR").upper()
    return RemotePayment(
        order_reference=str(notes.get("order_number", "")),
        payment_id=str(entity["id"]),
        amount=from_minor(entity.get("amount"), currency),
        currency=currency,
        succeeded=entity.get("status") in ("captured", "authorized"),
        failure_message=str(entity.get("error_description") or ""),
    )


def _subscription_event(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    payload = data.get("payload") or {}
    entity = ((payload.get("subscription") or {}).get("entity")) or {}
    if not entity.get("id"):
        return "ignored", {}
    notes = entity.get("notes") if isinstance(entity.get("notes"), dict) else {}
    payment = _payment(payload, notes or {})
    return "subscription.updated", {"subscription": remote_subscription(entity, payment=payment)}


SUBSCRIPTION_READERS = dict.fromkeys(
    (
        "subscription.authenticated",
        "subscription.activated",
        "subscription.charged",
        "subscription.pending",
        "subscription.halted",
        "subscription.cancelled",
        "subscription.completed",
        "subscription.paused",
        "subscription.resumed",
        "subscription.updated",
    ),
    _subscription_event,
)


# --- calls (``gw`` is the RazorpayGateway: its SDK client and error translation) -------------


def _plan_id(gw: Any, *, order: Order, plan: Plan) -> str:
    """The Razorpay plan for ``plan`` at the order's price, made on first use and kept."""
    if plan.razorpay_plan_id:
        return plan.razorpay_plan_id
    created = gw._call(
        lambda: gw.client.plan.create(
            {
                "period": PERIODS[plan.interval],
                "interval": 1,
                "item": {
                    "name": plan.name,
                    "amount": to_minor(order.total, order.currency),
                    "currency": order.currency,
                    "description": plan.description[:255],
                },
                "notes": {"kalpla_plan": plan.slug},
            }
        )
    )
    type(plan).objects.filter(pk=plan.pk).update(razorpay_plan_id=created["id"])
    plan.razorpay_plan_id = created["id"]
    return str(created["id"])


def subscription_start(
    gw: Any, *, order: Order, plan: Plan, success_url: str, cancel_url: str
) -> CheckoutSession:
    data: dict[str, Any] = {
        "plan_id": _plan_id(gw, order=order, plan=plan),
        "total_count": TOTAL_COUNT[plan.interval],
        "customer_notify": 1,
        "notes": {"order_number": order.number},
    }
    pending = order.subscriptions.first()
    if pending is not None and pending.trial_ends_at is not None and plan.trial_days:
        data["start_at"] = int(pending.trial_ends_at.timestamp())
    created = gw._call(lambda: gw.client.subscription.create(data))
    options = {
        "key": settings.RAZORPAY_KEY_ID,
        "subscription_id": created["id"],
        "name": plan.name,
        "description": order.number,
        "prefill": {"email": order.user.email},
        "notes": {"order_number": order.number},
        "callback_url": success_url,
    }
    return CheckoutSession(
        reference=str(created["id"]), url=created.get("short_url"), client_options=options
    )


def subscription_status(gw: Any, *, subscription: Subscription) -> RemoteSubscription:
    entity = gw._call(lambda: gw.client.subscription.fetch(subscription.gateway_subscription_id))
    return remote_subscription(entity)


def subscription_cancel(gw: Any, *, subscription: Subscription, at_period_end: bool) -> None:
    gw._call(
        lambda: gw.client.subscription.cancel(
            subscription.gateway_subscription_id,
            {"cancel_at_cycle_end": 1 if at_period_end else 0},
        )
    )
