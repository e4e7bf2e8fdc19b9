"""The interface every payment gateway implements, and what it hands back.

Gateways translate their own objects and webhook payloads into the small records below, so
services never read a Stripe or Razorpay payload. Event kinds a webhook can carry
(``WebhookEvent.kind``):

- ``payment.succeeded`` / ``payment.failed``: a one-off order's payment (``payment``);
- ``refund.succeeded``: money went back (``refund``), whoever started it;
- ``subscription.updated``: a subscription's state changed (``subscription``), including
  created, renewed, past due, cancelled and expired: the record carries the new state;
- ``ignored``: a type Kalpla does not act on (acknowledged, stored, no effect).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from commerce.models import Order, Plan, Subscription


class GatewayError(Exception):
    """The gateway could not be reached or refused the call (the caller may retry)."""


class SignatureError(Exception):
    """A webhook whose signature does not verify: answer 400, change nothing."""


@dataclass(frozen=True)
class CheckoutSession:
    """Where to send the buyer: ``url`` to redirect to (a hosted page), or ``None`` when the
    site renders the gateway's own widget with ``client_options`` (Razorpay Checkout)."""

    reference: str
    url: str | None = None
    client_options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RemotePayment:
    order_reference: str  # Order.gateway_order_id, or the order number
    payment_id: str
    amount: Decimal
    currency: str
    succeeded: bool
    failure_message: str = ""


@dataclass(frozen=True)
class RemoteRefund:
    payment_id: str
    refund_id: str
    amount: Decimal
    currency: str
    succeeded: bool


@dataclass(frozen=True)
class RemoteSubscription:
    subscription_id: str
    # a commerce.models.Subscription.Status value; "" when the event only carries a payment
    # (Stripe's invoice.paid) and says nothing of the state
    status: str
    customer_id: str = ""
    order_reference: str = ""
    current_period_start: datetime | None = None
    current_period_end: datetime | None = None
    trial_ends_at: datetime | None = None
    cancel_at_period_end: bool = False
    latest_payment: RemotePayment | None = None


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    type: str  # the gateway's own type name, stored for the record
    kind: str  # one of the kinds in the module docstring
    created_at: datetime | None
    payload: dict[str, Any]
    payment: RemotePayment | None = None
    refund: RemoteRefund | None = None
    subscription: RemoteSubscription | None = None


class PaymentGateway(Protocol):
    name: str

    def checkout_start(
        self, *, order: Order, success_url: str, cancel_url: str
    ) -> CheckoutSession: ...

    def subscription_start(
        self, *, order: Order, plan: Plan, success_url: str, cancel_url: str
    ) -> CheckoutSession: ...

    def order_status(self, *, order: Order) -> RemotePayment | None:
        """The payment of a pending order as the gateway sees it now (reconciliation)."""
        ...

    def subscription_status(self, *, subscription: Subscription) -> RemoteSubscription: ...

    def subscription_cancel(self, *, subscription: Subscription, at_period_end: bool) -> None: ...

    def billing_portal_url(self, *, subscription: Subscription, return_url: str) -> str | None:
        """A hosted page where the subscriber manages card and plan; None when not offered."""
        ...

    def refund(
        self, *, payment_id: str, amount: Decimal, currency: str, reason: str
    ) -> RemoteRefund: ...

    def webhook_parse(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify the signature (SignatureError if it fails) and translate the event."""
        ...


GATEWAY_MODULES = {
    "manual": "commerce.gateways.manual",
    "stripe": "commerce.gateways.stripe_gateway",
    "razorpay": "commerce.gateways.razorpay_gateway",
}


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The gateway called ``name``, or the configured one (``KALPLA_PAYMENT_GATEWAY``)."""
    name = name or settings.KALPLA_PAYMENT_GATEWAY
    try:
        module = import_module(GATEWAY_MODULES[name])
    except KeyError:
        raise GatewayError(f"Unknown payment gateway {name!r}.") from None
    gateway: PaymentGateway = module.gateway()
    return gateway
