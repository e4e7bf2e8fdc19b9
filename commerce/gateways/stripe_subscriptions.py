"""Stripe subscriptions: Checkout Sessions in subscription mode, the Billing Portal, and the
subscription and invoice events read into Kalpla's ``subscription.updated``.

The Stripe gateway (``stripe_gateway.StripeGateway``) delegates its subscription methods
here and its ``EVENT_READERS`` take the readers below (``SUBSCRIPTION_READERS``).

Linking: the Checkout Session carries the order's number as ``client_reference_id`` and in
``subscription_data.metadata``, so the subscription's first event (which names no session)
finds the order it was bought with. Event order: every event carries its own ``created``
time; ``subscription_apply_remote`` keeps the newest.

Statuses: Stripe's ``trialing``/``active``/``past_due`` map to ours; ``canceled`` is
``cancelled``; ``unpaid`` (retries exhausted), ``paused`` and ``incomplete_expired`` are
``expired`` (access closed until a payment or a resume); ``incomplete`` stays incomplete.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from commerce.gateways.base import CheckoutSession, RemotePayment, RemoteSubscription
from commerce.gateways.minor_units import from_minor, to_minor

if TYPE_CHECKING:
    from commerce.models import Order, Plan, Subscription

STATUSES = {
    "trialing": "trialing",
    "active": "active",
    "past_due": "past_due",
    "canceled": "cancelled",
    "unpaid": "expired",
    "paused": "expired",
    "incomplete": "incomplete",
    "incomplete_expired": "expired",
}
INTERVALS = {"month": "month", "year": "year"}


def _when(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _period(obj: dict[str, Any]) -> tuple[Any, Any]:
    """The current period: on the subscription (older API versions) or on its first item."""
    start, end = obj.get("current_period_start"), obj.get("current_period_end")
    if start is None:
        items = ((obj.get("items") or {}).get("data")) or [{}]
        start, end = items[0].get("current_period_start"), items[0].get("current_period_end")
    return start, end


def remote_subscription(
    obj: dict[str, Any], *, payment: RemotePayment | None = None
) -> RemoteSubscription:
    """A Stripe Subscription object as Kalpla's record."""
    start, end = _period(obj)
    metadata = obj.get("metadata") or {}
    customer = obj.get("customer")
    return RemoteSubscription(
        subscription_id=str(obj.get("id", "")),
        status=STATUSES.get(str(obj.get("status")), "incomplete"),
        customer_id=str(customer.get("id") if isinstance(customer, dict) else customer or ""),
        order_reference=str(metadata.get("order_number", "")),
        current_period_start=_when(start),
        current_period_end=_when(end),
        trial_ends_at=_when(obj.get("trial_end")),
        cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
        latest_payment=payment,
    )


def _subscription_event(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "subscription.updated", {"subscription": remote_subscription(obj)}


def _invoice_subscription_id(invoice: dict[str, Any]) -> str:
    sub = invoice.get("subscription")
    if sub is None:  # newer API versions: under parent.subscription_details
        parent = invoice.get("parent") or {}
        sub = (parent.get("subscription_details") or {}).get("subscription")
    return str(sub.get("id") if isinstance(sub, dict) else sub or "")


def _invoice_paid(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A subscription's invoice paid: a period's payment, told as a payment-only record
    (status ""). The state itself comes with ``customer.subscription.*`` (Stripe sends one
    whenever the status or the period changes). A trial's zero invoice carries nothing."""
    sub_id = _invoice_subscription_id(obj)
    currency = str(obj.get("currency") or "").upper()
    if not sub_id or not obj.get("amount_paid"):
        return "ignored", {}
    metadata = _invoice_metadata(obj)
    payment = RemotePayment(
        order_reference=str(metadata.get("order_number", "")),
        # the PaymentIntent, which refunds name (newer API versions keep it under payments)
        payment_id=str(obj.get("payment_intent") or obj.get("id", "")),
        amount=from_minor(obj.get("amount_paid"), currency),
        currency=currency,
        succeeded=True,
    )
    remote = RemoteSubscription(
        subscription_id=sub_id,
        status="",
        customer_id=str(obj.get("customer") or ""),
        order_reference=payment.order_reference,
        latest_payment=payment,
    )
    return "subscription.updated", {"subscription": remote}


def _invoice_metadata(invoice: dict[str, Any]) -> dict[str, Any]:
    details = invoice.get("subscription_details") or (invoice.get("parent") or {}).get(
        "subscription_details"
    )
    return dict((details or {}).get("metadata") or {})


SUBSCRIPTION_READERS = {
    "customer.subscription.created": _subscription_event,
    "customer.subscription.updated": _subscription_event,
    "customer.subscription.deleted": _subscription_event,
    "customer.subscription.paused": _subscription_event,
    "customer.subscription.resumed": _subscription_event,
    "invoice.paid": _invoice_paid,
}


# --- calls (``gw`` is the StripeGateway: its SDK client and error translation) ---------------


def subscription_start(
    gw: Any, *, order: Order, plan: Plan, success_url: str, cancel_url: str
) -> CheckoutSession:
    """A Checkout Session in subscription mode for ``plan`` at the order's price (tax
    included as the order says); the plan's own Stripe price when staff set one."""
    # every period at the plan's full price; a coupon comes off the first one only
    full = _full_total(order=order, plan=plan)
    if plan.stripe_price_id:
        line: dict[str, Any] = {"quantity": 1, "price": plan.stripe_price_id}
    else:
        line = {
            "quantity": 1,
            "price_data": {
                "currency": order.currency.lower(),
                "unit_amount": to_minor(full, order.currency),
                "product_data": {"name": plan.name},
                "recurring": {"interval": INTERVALS[plan.interval]},
            },
        }
    subscription_data: dict[str, Any] = {"metadata": {"order_number": order.number}}
    pending = order.subscriptions.first()
    if pending is not None and pending.trial_ends_at is not None and plan.trial_days:
        subscription_data["trial_period_days"] = plan.trial_days
    params: dict[str, Any] = {
        "mode": "subscription",
        "line_items": [line],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": order.number,
        "customer_email": order.user.email,
        "metadata": {"order_number": order.number},
        "subscription_data": subscription_data,
    }
    if full > order.total:
        coupon = gw._call(
            lambda: gw.client.v1.coupons.create(
                params={
                    "amount_off": to_minor(full - order.total, order.currency),
                    "currency": order.currency.lower(),
                    "duration": "once",
                    "max_redemptions": 1,
                    "name": order.coupon.code if order.coupon else order.number,
                }
            )
        )
        params["discounts"] = [{"coupon": coupon["id"]}]
    session = gw._call(
        lambda: gw.client.v1.checkout.sessions.create(
            params=params,
            options={"idempotency_key": f"subscribe-{order.number}-{order.updated_at.timestamp()}"},
        )
    )
    return CheckoutSession(reference=session["id"], url=session.get("url"))


def _full_total(*, order: Order, plan: Plan) -> Any:
    """One period's price with tax and without a coupon."""
    from commerce.services.pricing import quote_items
    from commerce.services.subscriptions import plan_price_item

    return quote_items(items=[plan_price_item(plan=plan)]).total


def subscription_status(gw: Any, *, subscription: Subscription) -> RemoteSubscription:
    obj = gw._call(
        lambda: gw.client.v1.subscriptions.retrieve(subscription.gateway_subscription_id)
    )
    return remote_subscription(obj)


def subscription_cancel(gw: Any, *, subscription: Subscription, at_period_end: bool) -> None:
    sub_id = subscription.gateway_subscription_id
    if at_period_end:
        gw._call(
            lambda: gw.client.v1.subscriptions.update(sub_id, params={"cancel_at_period_end": True})
        )
    else:
        gw._call(lambda: gw.client.v1.subscriptions.cancel(sub_id))


def subscription_resume(gw: Any, *, subscription: Subscription) -> None:
    """Undo a cancellation at period end (Stripe keeps the subscription until then)."""
    gw._call(
        lambda: gw.client.v1.subscriptions.update(
            subscription.gateway_subscription_id, params={"cancel_at_period_end": False}
        )
    )


def billing_portal_url(gw: Any, *, subscription: Subscription, return_url: str) -> str | None:
    if not subscription.gateway_customer_id:
        return None
    session = gw._call(
        lambda: gw.client.v1.billing_portal.sessions.create(
            params={"customer": subscription.gateway_customer_id, "return_url": return_url}
        )
    )
    return str(session["url"])
