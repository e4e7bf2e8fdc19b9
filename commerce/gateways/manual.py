"""The offline gateway: the buyer pays by bank transfer or in person and staff mark the order
paid (or grant access) with a note. No hosted page, no webhooks: what the demo and the
embedded default use."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from commerce.gateways.base import (
    CheckoutSession,
    RemotePayment,
    RemoteRefund,
    RemoteSubscription,
    SignatureError,
    WebhookEvent,
)

if TYPE_CHECKING:
    from commerce.models import Order, Plan, Subscription


class ManualGateway:
    name = "manual"

    def checkout_start(self, *, order: Order, success_url: str, cancel_url: str) -> CheckoutSession:
        # the buyer goes straight to the order's page, which says how to pay
        return CheckoutSession(reference=order.number, url=None)

    def subscription_start(
        self, *, order: Order, plan: Plan, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        return CheckoutSession(reference=order.number, url=None)

    def order_status(self, *, order: Order) -> RemotePayment | None:
        return None  # only staff know: nothing to reconcile

    def subscription_status(self, *, subscription: Subscription) -> RemoteSubscription:
        return RemoteSubscription(
            subscription_id=subscription.gateway_subscription_id,
            status=subscription.status,
            current_period_start=subscription.current_period_start,
            current_period_end=subscription.current_period_end,
            trial_ends_at=subscription.trial_ends_at,
            cancel_at_period_end=subscription.cancel_at_period_end,
        )

    def subscription_cancel(self, *, subscription: Subscription, at_period_end: bool) -> None:
        return None

    def billing_portal_url(self, *, subscription: Subscription, return_url: str) -> str | None:
        return None

    def refund(
        self, *, payment_id: str, amount: Decimal, currency: str, reason: str
    ) -> RemoteRefund:
        # the money goes back offline; the record is all there is
        return RemoteRefund(
            payment_id=payment_id,
            refund_id=f"manual-refund-{secrets.token_hex(6)}",
            amount=amount,
            currency=currency,
            succeeded=True,
        )

    def webhook_parse(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        raise SignatureError("The manual gateway sends no webhooks.")


def gateway() -> ManualGateway:
    return ManualGateway()
