"""Stripe: Checkout Sessions for one-off purchases, webhooks signed with the endpoint secret.

The SDK talks to ``STRIPE_API_BASE`` when set (tests' local stand-in of Stripe's API,
commerce/testing/stripe_standin.py), else to Stripe. Amounts travel in the currency's minor
unit (paise, cents). Webhook events are verified with the SDK's signature check and read
from the raw JSON; ``EVENT_READERS`` maps Stripe's event types to Kalpla's event kinds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings

from commerce.gateways.base import (
    CheckoutSession,
    GatewayError,
    RemotePayment,
    RemoteRefund,
    RemoteSubscription,
    SignatureError,
    WebhookEvent,
)
from commerce.gateways.minor_units import from_minor, to_minor

if TYPE_CHECKING:
    from commerce.models import Order, Plan, Subscription

logger = logging.getLogger(__name__)
# How old a signed delivery may be (Stripe's own default): older ones may be replays.
TOLERANCE_SECONDS = 300


def _plain(obj: Any) -> dict[str, Any]:
    """A Stripe object as plain JSON data."""
    if isinstance(obj, dict):
        return obj
    return json.loads(str(obj)) if obj is not None else {}


def _session_payment(session: dict[str, Any]) -> RemotePayment:
    currency = str(session.get("currency") or "").upper()
    return RemotePayment(
        order_reference=session.get("client_reference_id") or session.get("id", ""),
        payment_id=session.get("payment_intent") or session.get("id", ""),
        amount=from_minor(session.get("amount_total"), currency),
        currency=currency,
        succeeded=session.get("payment_status") == "paid",
        failure_message=""
        if session.get("payment_status") == "paid"
        else "The payment was not completed.",
    )


def _checkout_completed(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if obj.get("mode") != "payment" or obj.get("payment_status") != "paid":
        # subscriptions are told by their own events; delayed methods by async_payment_*
        return "ignored", {}
    return "payment.succeeded", {"payment": _session_payment(obj)}


def _async_succeeded(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "payment.succeeded", {"payment": _session_payment(obj)}


def _session_failed(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "payment.failed", {"payment": _session_payment({**obj, "payment_status": "unpaid"})}


def _refund(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if obj.get("status") != "succeeded":
        return "ignored", {}
    currency = str(obj.get("currency") or "").upper()
    refund = RemoteRefund(
        payment_id=obj.get("payment_intent") or obj.get("charge") or "",
        refund_id=obj.get("id", ""),
        amount=from_minor(obj.get("amount"), currency),
        currency=currency,
        succeeded=True,
    )
    return "refund.succeeded", {"refund": refund}


EventReader = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]
# Stripe event type -> reader of its data.object: (kind, WebhookEvent fields). The subscription
# events are added by the subscriptions module.
EVENT_READERS: dict[str, EventReader] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _session_failed,
    "checkout.session.expired": _session_failed,
    "refund.created": _refund,
    "refund.updated": _refund,
}


class StripeGateway:
    name = "stripe"

    def __init__(self) -> None:
        base = settings.STRIPE_API_BASE
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY or "sk_unset",
            base_addresses={"api": base} if base else None,
            max_network_retries=1,
        )

    def _call(self, call: Callable[[], Any]) -> dict[str, Any]:
        try:
            return _plain(call())
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc

    def checkout_start(self, *, order: Order, success_url: str, cancel_url: str) -> CheckoutSession:
        line_items = [
            {
                "quantity": 1,
                "price_data": {
                    "currency": order.currency.lower(),
                    "unit_amount": to_minor(item.total, order.currency),
                    "product_data": {"name": item.title},
                },
            }
            for item in order.items.all()
        ]
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": line_items,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": order.number,
            "metadata": {"order_number": order.number},
            "customer_email": order.user.email,
        }
        session = self._call(
            lambda: self.client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={
                    "idempotency_key": f"checkout-{order.number}-{order.updated_at.timestamp()}"
                },
            )
        )
        return CheckoutSession(reference=session["id"], url=session.get("url"))

    def subscription_start(
        self, *, order: Order, plan: Plan, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        return stripe_subscriptions.subscription_start(
            self, order=order, plan=plan, success_url=success_url, cancel_url=cancel_url
        )

    def order_status(self, *, order: Order) -> RemotePayment | None:
        session = self._call(
            lambda: self.client.v1.checkout.sessions.retrieve(order.gateway_order_id)
        )
        if session.get("payment_status") == "paid":
            return _session_payment(session)
        if session.get("status") == "expired":
            return _session_payment({**session, "payment_status": "unpaid"})
        return None

    def subscription_status(self, *, subscription: Subscription) -> RemoteSubscription:
        return stripe_subscriptions.subscription_status(self, subscription=subscription)

    def subscription_cancel(self, *, subscription: Subscription, at_period_end: bool) -> None:
        stripe_subscriptions.subscription_cancel(
            self, subscription=subscription, at_period_end=at_period_end
        )

    def subscription_resume(self, *, subscription: Subscription) -> None:
        """Undo a cancellation at period end (not in the interface: Stripe's own)."""
        stripe_subscriptions.subscription_resume(self, subscription=subscription)

    def billing_portal_url(self, *, subscription: Subscription, return_url: str) -> str | None:
        return stripe_subscriptions.billing_portal_url(
            self, subscription=subscription, return_url=return_url
        )

    def refund(
        self, *, payment_id: str, amount: Decimal, currency: str, reason: str
    ) -> RemoteRefund:
        refund = self._call(
            lambda: self.client.v1.refunds.create(
                params={
                    "payment_intent": payment_id,
                    "amount": to_minor(amount, currency),
                    "metadata": {"reason": reason[:500]},
                }
            )
        )
        return RemoteRefund(
            payment_id=payment_id,
            refund_id=refund["id"],
            amount=from_minor(refund.get("amount"), currency),
            currency=currency.upper(),
            succeeded=refund.get("status") in ("succeeded", "pending"),
        )

    def webhook_parse(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        secret = settings.STRIPE_WEBHOOK_SECRET
        signature = headers.get("Stripe-Signature", "")
        if not secret or not signature:
            raise SignatureError("No Stripe signature or no endpoint secret.")
        try:
            stripe.WebhookSignature.verify_header(
                body.decode("utf-8"), signature, secret, tolerance=TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
            raise SignatureError(str(exc)) from exc
        data = json.loads(body)
        event_type = str(data.get("type", ""))
        obj = (data.get("data") or {}).get("object") or {}
        reader = EVENT_READERS.get(event_type)
        kind, fields = reader(obj) if reader else ("ignored", {})
        created = data.get("created")
        return WebhookEvent(
            event_id=str(data["id"]),
            type=event_type,
            kind=kind,
            created_at=datetime.fromtimestamp(created, tz=UTC) if created else None,
            payload=data,
            **fields,
        )


# Subscriptions: Checkout in subscription mode, the Billing Portal, their events.
from commerce.gateways import stripe_subscriptions  # noqa: E402

EVENT_READERS.update(stripe_subscriptions.SUBSCRIPTION_READERS)


def gateway() -> StripeGateway:
    return StripeGateway()
