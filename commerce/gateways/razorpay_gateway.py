"""Razorpay: Orders + Checkout (the site opens Razorpay's widget with ``client_options``),
webhooks signed with the webhook secret (HMAC-SHA256 of the raw body, hex).

The SDK talks to ``RAZORPAY_API_BASE`` when set (tests' local stand-in,
commerce/testing/razorpay_standin.py). Amounts travel in paise (the currency's minor unit).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import razorpay
import requests
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
from commerce.gateways.stripe_gateway import from_minor, to_minor

if TYPE_CHECKING:
    from commerce.models import Order, Plan, Subscription

CHECKOUT_SCRIPT = "https://checkout.razorpay.com/v1/checkout.js"


def _payment(entity: dict[str, Any]) -> RemotePayment:
    currency = str(entity.get("currency") or "").upper()
    return RemotePayment(
        order_reference=entity.get("order_id") or "",
        payment_id=entity.get("id") or "",
        amount=from_minor(entity.get("amount"), currency),
        currency=currency,
        succeeded=entity.get("status") == "captured",
        failure_message=entity.get("error_description") or "",
    )


def _entity(data: dict[str, Any], name: str) -> dict[str, Any]:
    return ((data.get("payload") or {}).get(name) or {}).get("entity") or {}


def _captured(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "payment.succeeded", {"payment": _payment(_entity(data, "payment"))}


def _failed(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "payment.failed", {"payment": _payment(_entity(data, "payment"))}


def _refund(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    entity = _entity(data, "refund")
    currency = str(entity.get("currency") or "").upper()
    refund = RemoteRefund(
        payment_id=entity.get("payment_id") or "",
        refund_id=entity.get("id") or "",
        amount=from_minor(entity.get("amount"), currency),
        currency=currency,
        succeeded=entity.get("status") == "processed",
    )
    return "refund.succeeded", {"refund": refund}


EventReader = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]
# Razorpay event name -> reader of the event: (kind, WebhookEvent fields). The subscription
# events are added by the subscriptions module.
EVENT_READERS: dict[str, EventReader] = {
    "payment.captured": _captured,
    "order.paid": _captured,
    "payment.failed": _failed,
    "refund.processed": _refund,
}


class RazorpayGateway:
    name = "razorpay"

    def __init__(self) -> None:
        self.client = razorpay.Client(auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET))
        self.client.enable_retry(False)
        if settings.RAZORPAY_API_BASE:
            self.client.base_url = settings.RAZORPAY_API_BASE

    def _call(self, call: Callable[[], Any]) -> dict[str, Any]:
        try:
            result: dict[str, Any] = call()
        except (
            razorpay.errors.BadRequestError,
            razorpay.errors.ServerError,
            razorpay.errors.GatewayError,
            requests.RequestException,
        ) as exc:
            raise GatewayError(str(exc)) from exc
        return result

    def widget_options(self, *, order: Order) -> dict[str, Any]:
        """What the site passes to Razorpay Checkout to pay ``order`` (its Razorpay order)."""
        first = order.items.first()
        return {
            "key": settings.RAZORPAY_KEY_ID,
            "amount": to_minor(order.total, order.currency),
            "currency": order.currency,
            "order_id": order.gateway_order_id,
            "name": settings.KALPLA_SELLER_NAME,
            "description": first.title if first else order.number,
            "prefill": {"email": order.user.email, "name": order.user.get_full_name()},
            "notes": {"order_number": order.number},
            "script": CHECKOUT_SCRIPT,
        }

    def checkout_start(self, *, order: Order, success_url: str, cancel_url: str) -> CheckoutSession:
        remote = self._call(
            lambda: self.client.order.create(
                {
                    "amount": to_minor(order.total, order.currency),
                    "currency": order.currency,
                    "receipt": order.number,
                    "notes": {"order_number": order.number},
                }
            )
        )
        order.gateway_order_id = remote["id"]
        return CheckoutSession(
            reference=remote["id"], client_options=self.widget_options(order=order)
        )

    def subscription_start(
        self, *, order: Order, plan: Plan, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        return razorpay_subscriptions.subscription_start(
            self, order=order, plan=plan, success_url=success_url, cancel_url=cancel_url
        )

    def order_status(self, *, order: Order) -> RemotePayment | None:
        found = self._call(lambda: self.client.order.payments(order.gateway_order_id))
        payments = [_payment(p) for p in found.get("items", [])]
        captured = [p for p in payments if p.succeeded]
        if captured:
            return captured[0]
        return None

    def subscription_status(self, *, subscription: Subscription) -> RemoteSubscription:
        return razorpay_subscriptions.subscription_status(self, subscription=subscription)

    def subscription_cancel(self, *, subscription: Subscription, at_period_end: bool) -> None:
        razorpay_subscriptions.subscription_cancel(
            self, subscription=subscription, at_period_end=at_period_end
        )

    def billing_portal_url(self, *, subscription: Subscription, return_url: str) -> str | None:
        return None

    def refund(
        self, *, payment_id: str, amount: Decimal, currency: str, reason: str
    ) -> RemoteRefund:
        refund = self._call(
            lambda: self.client.payment.refund(
                payment_id,
                {"amount": to_minor(amount, currency), "notes": {"reason": reason[:200]}},
            )
        )
        return RemoteRefund(
            payment_id=payment_id,
            refund_id=refund["id"],
            amount=from_minor(refund.get("amount"), currency),
            currency=currency.upper(),
            succeeded=refund.get("status") in ("processed", "pending"),
        )

    def webhook_parse(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        secret = settings.RAZORPAY_WEBHOOK_SECRET
        signature = headers.get("X-Razorpay-Signature", "")
        if not secret or not signature:
            raise SignatureError("No Razorpay signature or no webhook secret.")
        try:
            self.client.utility.verify_webhook_signature(body.decode("utf-8"), signature, secret)
        except (razorpay.errors.SignatureVerificationError, UnicodeDecodeError) as exc:
            raise SignatureError(str(exc)) from exc
        data = json.loads(body)
        event_type = str(data.get("event", ""))
        reader = EVENT_READERS.get(event_type)
        kind, fields = reader(data) if reader else ("ignored", {})
        created = data.get("created_at")
        event_id = headers.get("X-Razorpay-Event-Id") or f"{event_type}:{signature[:32]}"
        return WebhookEvent(
            event_id=event_id,
            type=event_type,
            kind=kind,
            created_at=datetime.fromtimestamp(created, tz=UTC) if created else None,
            payload=data,
            **fields,
        )


# Subscriptions: Razorpay plans and subscriptions, their events.
from commerce.gateways import razorpay_subscriptions  # noqa: E402

EVENT_READERS.update(razorpay_subscriptions.SUBSCRIPTION_READERS)


def gateway() -> RazorpayGateway:
    return RazorpayGateway()
