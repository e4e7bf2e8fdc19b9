"""Billing's part in a recorded payment and in gateway webhooks, registered in
``commerce.apps``: ``PAYMENT_RECORDED_HOOKS`` (called by ``payment_record`` inside its
transaction, after the order is marked paid) and ``WEBHOOK_HANDLERS["refund.succeeded"]``."""

from ..gateways import WebhookEvent
from ..models import ZERO, Gateway, Payment
from .coupons import coupon_redeem
from .invoices import invoice_issue
from .refunds import refund_apply_remote


def coupon_redeem_on_payment(*, payment: Payment) -> None:
    """Count the order's coupon. A free order (100% coupon) collected nothing: one that finds
    the coupon used up by a concurrent order is refused (the order rolls back)."""
    order = payment.order
    if order.coupon is not None:
        coupon_redeem(coupon=order.coupon, order=order, strict=payment.gateway == Gateway.FREE)


def invoice_issue_on_payment(*, payment: Payment) -> None:
    """An invoice for money received (a free order has nothing to invoice)."""
    if payment.amount > ZERO:
        invoice_issue(payment=payment)


def refund_succeeded(event: WebhookEvent, gateway_name: str) -> str:
    """A refund the gateway made or confirmed (``refund.succeeded`` and failures)."""
    if event.refund is None:
        return "ignored"
    return refund_apply_remote(gateway=gateway_name, remote=event.refund)
