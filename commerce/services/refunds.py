"""Refunds: staff give money back (``refund_create``: full or partial, with a reason, through
the payment's gateway), or the gateway tells us it did (``refund_apply_remote``, the handler of
``refund.succeeded`` webhook events, which also confirms a staff refund the gateway settled
later).

Once a refund succeeds (``_settle``, under the order's row lock): the order is ``refunded`` or
``partially_refunded``; on a full refund with ``KALPLA_REVOKE_ON_FULL_REFUND`` the courses
the order granted are taken back (only while that order still holds them: progress kept), and
so is what ``FULL_REFUND_HOOKS`` take back (a plan order's subscription ends at once); a credit
note is issued, and its job tells the student.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from activity.verbs import Verb
from enrollments.grants import enrollment_revoke
from kalpla.exceptions import Conflict, PermissionDenied, Unavailable, ValidationError

from ..gateways import GatewayError, RemoteRefund, get_gateway
from ..models import ZERO, Order, OrderItem, Payment, Refund
from ..policies_billing import refund_can_create
from .invoices import credit_note_issue
from .orders import order_money_track

logger = logging.getLogger(__name__)

REFUNDABLE_STATUSES = (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED)
# Refunds that hold money back from another refund: done, or asked of the gateway.
_HOLDING = (Refund.Status.SUCCEEDED, Refund.Status.PENDING)
# Called with a fully refunded order (its row lock held) when access is taken back on a full
# refund; each returns whether it took something back. Subscriptions add theirs at start-up.
FULL_REFUND_HOOKS: list[Callable[[Order], bool]] = []


@dataclass(frozen=True)
class Refundable:
    payment: Payment | None
    amount: Decimal
    currency: str


def order_refundable(*, order: Order) -> Refundable:
    """What can still be refunded of the order: its latest succeeded payment, less what was
    refunded of it or is being refunded."""
    payment = (
        order.payments.filter(status=Payment.Status.SUCCEEDED)
        .order_by("-created_at", "-pk")
        .first()
    )
    if payment is None or order.status not in REFUNDABLE_STATUSES:
        return Refundable(payment=payment, amount=ZERO, currency=order.currency)
    held = payment.refunds.filter(status__in=_HOLDING).aggregate(s=Sum("amount"))["s"] or ZERO
    return Refundable(
        payment=payment, amount=max(payment.amount - held, ZERO), currency=payment.currency
    )


def refund_create(*, user: Any, order: Order, amount: Decimal | None = None, reason: str) -> Refund:
    """Refund ``amount`` (everything left when None) of the order's payment through its
    gateway. Staff only; a reason is required."""
    if not refund_can_create(user=user):
        raise PermissionDenied(_("Only staff refund payments."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say why the money goes back."),
            code="reason_required",
            errors={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        left = order_refundable(order=order)
        if left.payment is None or left.amount <= 0:
            raise Conflict(_("This order has nothing left to refund."), code="not_refundable")
        amount = left.amount if amount is None else amount
        if amount <= 0 or amount > left.amount:
            message = _("Refund between 0.01 and %(left)s %(currency)s.") % {
                "left": left.amount,
                "currency": left.currency,
            }
            raise ValidationError(message, code="invalid_amount", errors={"amount": [message]})
        remote = _ask_gateway(left.payment, amount, reason)
        refund = Refund(
            payment=left.payment,
            amount=amount,
            reason=reason[:2000],
            initiated_by=user,
            gateway_refund_id=remote.refund_id,
            status=Refund.Status.SUCCEEDED if remote.succeeded else Refund.Status.PENDING,
        )
        refund.full_clean(exclude=["payment", "initiated_by"])
        refund.save()
        if remote.succeeded:
            _settle(order, refund)
    logger.info("refund %s of order %s by user %s", refund.pk, order.number, user.pk)
    return refund


def _ask_gateway(payment: Payment, amount: Decimal, reason: str) -> RemoteRefund:
    try:
        return get_gateway(payment.gateway).refund(
            payment_id=payment.gateway_payment_id,
            amount=amount,
            currency=payment.currency,
            reason=reason,
        )
    except GatewayError as exc:
        logger.warning("refund of %s refused by the gateway: %s", payment, exc)
        raise Unavailable(
            _("The payment gateway could not make the refund: %(error)s") % {"error": exc},
            code="gateway_error",
        ) from exc


def refund_apply_remote(*, gateway: str, remote: RemoteRefund) -> str:
    """Apply a refund the gateway reports (its webhook); idempotent. Returns the outcome
    stored on the event: ``applied``, ``duplicate`` or ``unknown_payment``."""
    payment = Payment.objects.filter(gateway=gateway, gateway_payment_id=remote.payment_id).first()
    if payment is None:
        logger.warning(
            "refund %s of unknown %s payment %s", remote.refund_id, gateway, remote.payment_id
        )
        return "unknown_payment"
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        refund = (
            Refund.objects.select_for_update()
            .filter(payment=payment, gateway_refund_id=remote.refund_id)
            .first()
        )
        if refund is None:
            refund = _remote_refund_create(payment, remote)
        elif refund.status == Refund.Status.SUCCEEDED:
            return "duplicate"
        if not remote.succeeded:
            Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED)
            return "applied"
        refund.status = Refund.Status.SUCCEEDED
        refund.save(update_fields=["status"])
        _settle(order, refund)
    return "applied"


def _remote_refund_create(payment: Payment, remote: RemoteRefund) -> Refund:
    try:
        with transaction.atomic():
            return Refund.objects.create(
                payment=payment,
                amount=remote.amount,
                reason=_("Refunded at the payment gateway."),
                gateway_refund_id=remote.refund_id,
                status=Refund.Status.PENDING,
            )
    except IntegrityError:  # cannot happen under the order lock; kept for a direct caller
        return Refund.objects.get(payment=payment, gateway_refund_id=remote.refund_id)


def _settle(order: Order, refund: Refund) -> None:
    """Caller holds the order's row lock; ``refund`` has just succeeded."""
    paid = order.payments.filter(status=Payment.Status.SUCCEEDED).aggregate(s=Sum("amount"))["s"]
    refunded = (
        Refund.objects.filter(payment__order=order, status=Refund.Status.SUCCEEDED).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )
    full = refunded >= (paid or ZERO)
    order.status = Order.Status.REFUNDED if full else Order.Status.PARTIALLY_REFUNDED
    order.save(update_fields=["status", "updated_at"])
    order_money_track(order=order, verb=Verb.REFUNDED, amount=refund.amount)
    revoked = False
    if full and settings.KALPLA_REVOKE_ON_FULL_REFUND:
        revoked = _revoke_courses(order)
        for hook in FULL_REFUND_HOOKS:
            revoked = hook(order) or revoked
    credit_note_issue(refund=refund, access_revoked=revoked)


def _revoke_courses(order: Order) -> bool:
    revoked = False
    for item in order.items.filter(kind=OrderItem.Kind.COURSE).select_related("course"):
        assert item.course is not None
        taken = enrollment_revoke(
            user=order.user, course=item.course, reference=f"order:{order.pk}"
        )
        revoked = revoked or taken is not None
    return revoked
