"""Orders for paid courses, and the one function that records a payment.

    order = order_create(user=student, course=course, coupon_code="WELCOME10")
    session = order_checkout_start(order=order, success_url=..., cancel_url=...)
    ...  # later, from a webhook, staff marking it paid, reconciliation or a 100% coupon:
    payment_record(order=order, gateway="stripe", payment_id="pi_...", amount=..., currency=...)

``payment_record`` marks the order paid and grants its courses (``enrollment_grant`` with the
reference ``order:<id>``) in one transaction, under the order's row lock, and is idempotent on
(gateway, payment id): a webhook delivered twice, or a reconciliation racing a webhook, finds
the payment already there. Other parts of commerce act on a recorded payment through
``PAYMENT_RECORDED_HOOKS`` (invoices, coupon redemption, subscriptions), appended to in
``commerce.apps`` and called inside the same transaction.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import user_is_staff
from activity.tracking import ActorRef, ObjectRef, track
from activity.verbs import Verb
from commerce.gateways import CheckoutSession, GatewayError, get_gateway
from commerce.models import Gateway, Order, OrderItem, Payment
from commerce.services.pricing import Quote, course_price_item, quote_items
from enrollments.access import EnrollState, course_enroll_state
from enrollments.cohorts.seats import cohort_enroll_check
from enrollments.cohorts.selectors import cohort_for_course, cohort_get
from enrollments.cohorts.waitlist import waitlist_seat_granted
from enrollments.grants import enrollment_grant
from kalpla.exceptions import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Unavailable,
    ValidationError,
)
from notifications.services.notify import notify

logger = logging.getLogger(__name__)

# Called as hook(payment=payment) inside payment_record's transaction, after the order is
# marked paid and its courses granted (invoices, coupon redemption, subscriptions).
PaymentHook = Callable[..., None]
PAYMENT_RECORDED_HOOKS: list[PaymentHook] = []

OPEN_STATUSES = (Order.Status.PENDING, Order.Status.FAILED)


def order_reference(order: Order) -> str:
    """What grants made by ``order`` are held by (enrollments.grants)."""
    return f"order:{order.pk}"


def _new_number() -> str:
    return f"KAL-{timezone.now():%Y%m%d}-{secrets.token_hex(4).upper()}"


def course_quote(*, user: Any, course: Any, coupon_code: str = "") -> Quote:
    """The price of ``course`` for ``user`` with ``coupon_code``, after checking they may buy it."""
    _check_can_buy(user=user, course=course)
    return quote_items(items=[course_price_item(course=course)], user=user, coupon_code=coupon_code)


def _check_can_buy(*, user: Any, course: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(_("Sign in to buy this course."))
    if not course.is_published:
        raise NotFound(_("Not found."))
    state = course_enroll_state(user=user, course=course)
    if state in (EnrollState.CONTINUE, EnrollState.COMPLETED):
        raise Conflict(_("You already have this course."), code="already_enrolled")
    if state == EnrollState.ENROLL:
        message = (
            _("This course is free: enroll from its page.")
            if course.is_free
            else _("Your plan includes this course: enroll from its page.")
        )
        raise Conflict(message, code="no_payment_needed")
    if state != EnrollState.PAYMENT_REQUIRED:
        raise PermissionDenied(
            _("This course is not taking enrollments, or its prerequisites are missing."),
            code="not_for_sale",
        )


@transaction.atomic
def order_create(
    *,
    user: Any,
    course: Any,
    coupon_code: str = "",
    gateway: str | None = None,
    cohort_id: int | None = None,
) -> Order:
    """A pending order for ``course`` (in the cohort ``cohort_id``, which a course that
    requires one must name); paid at once when a coupon makes it free.

    The cohort is checked before anything is charged (open, a seat free or held for the
    buyer by a waitlist offer): ValidationError ``cohort_required`` / ``invalid_cohort``,
    Conflict ``enrollment_closed`` / ``cohort_full``. The seat is taken when the payment
    enrolls; a payment always enrolls, even if the last seat went meanwhile."""
    cohort = cohort_for_course(course=course, cohort_id=cohort_id) if cohort_id else None
    cohort_enroll_check(user=user, course=course, cohort=cohort)
    quote = course_quote(user=user, course=course, coupon_code=coupon_code)
    gateway_name = Gateway.FREE if quote.is_free else (gateway or get_gateway().name)
    order = Order(
        number=_new_number(),
        user=user,
        gateway=gateway_name,
        currency=quote.currency,
        subtotal=quote.subtotal,
        discount=quote.discount,
        tax=quote.tax,
        total=quote.total,
        tax_rate=quote.tax_rate,
        tax_inclusive=quote.tax_inclusive,
        coupon=quote.coupon,
    )
    order.full_clean()
    order.save()
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            kind=line.item.kind,
            course=line.item.course,
            plan=line.item.plan,
            cohort_id=cohort.pk if cohort is not None and line.item.course else None,
            title=line.item.title[:200],
            list_price=line.item.list_price,
            discount=line.discount,
            tax=line.tax,
            total=line.total,
        )
        for line in quote.lines
    )
    logger.info("order %s created for user %s (%s)", order.number, user.pk, gateway_name)
    if quote.is_free:
        payment_record(
            order=order,
            gateway=Gateway.FREE,
            payment_id=f"free-{order.number}",
            amount=order.total,
            currency=order.currency,
            note=_("Nothing to pay (coupon %(code)s).") % {"code": quote.coupon or ""},
        )
        order.refresh_from_db()
    return order


def order_checkout_start(*, order: Order, success_url: str, cancel_url: str) -> CheckoutSession:
    """Ask the order's gateway where the buyer pays (a hosted page, or a widget's options).

    Runs the gateway call outside any transaction. A failed order may be paid again.
    """
    if order.status == Order.Status.PAID:
        raise Conflict(_("This order is already paid."), code="already_paid")
    if order.status not in OPEN_STATUSES:
        raise Conflict(_("This order is closed: start a new one."), code="order_closed")
    if order.gateway == Gateway.FREE:
        return CheckoutSession(reference=order.number, url=success_url)
    try:
        session = get_gateway(order.gateway).checkout_start(
            order=order, success_url=success_url, cancel_url=cancel_url
        )
    except GatewayError as exc:
        logger.warning("checkout of order %s failed: %s", order.number, exc)
        raise Unavailable(
            _("The payment service did not answer. Please try again in a moment."),
            code="gateway_unavailable",
        ) from exc
    changed = Order.objects.filter(pk=order.pk, status__in=OPEN_STATUSES).update(
        status=Order.Status.PENDING,
        gateway_order_id=session.reference if session.reference != order.number else "",
        checkout_url=session.url or "",
        updated_at=timezone.now(),
    )
    if changed:
        order.refresh_from_db()
    return session


def order_widget_options(*, order: Order) -> dict[str, Any]:
    """Options for the gateway's own checkout widget (Razorpay Checkout) to pay an open
    order the gateway knows; empty when its gateway has no widget."""
    if order.status not in OPEN_STATUSES or not order.gateway_order_id:
        return {}
    try:
        gateway = get_gateway(order.gateway)
    except GatewayError:
        return {}
    options = getattr(gateway, "widget_options", None)
    return dict(options(order=order)) if options is not None else {}


@transaction.atomic
def payment_record(
    *,
    order: Order,
    gateway: str,
    payment_id: str,
    amount: Decimal,
    currency: str,
    recorded_by: Any = None,
    note: str = "",
) -> Payment:
    """Record a succeeded payment of ``order``, mark it paid and grant its courses.

    Idempotent on (``gateway``, ``payment_id``): the payment already recorded is returned and
    nothing else happens. A payment that does not match the order's total and currency is
    refused (ValidationError ``amount_mismatch``); it is logged for staff to look into.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    existing = Payment.objects.filter(gateway=gateway, gateway_payment_id=payment_id).first()
    if existing is not None:
        return existing
    if currency.upper() != locked.currency or Decimal(amount) != locked.total:
        logger.warning(
            "payment %s:%s of %s %s does not match order %s (%s %s)",
            gateway,
            payment_id,
            amount,
            currency,
            locked.number,
            locked.total,
            locked.currency,
        )
        raise ValidationError(
            _("The payment does not match the order's total."), code="amount_mismatch"
        )
    payment = Payment(
        order=locked,
        gateway=gateway,
        gateway_payment_id=payment_id,
        amount=amount,
        currency=locked.currency,
        status=Payment.Status.SUCCEEDED,
        recorded_by=recorded_by,
        note=note,
    )
    payment.full_clean()
    payment.save()
    first = locked.paid_at is None
    if locked.status != Order.Status.PAID and first:
        locked.status = Order.Status.PAID
        locked.paid_at = timezone.now()
        locked.save(update_fields=["status", "paid_at", "updated_at"])
    if first:
        courses = _grant_courses(locked, source="paid")
        _notify_paid(locked, courses)
    for hook in PAYMENT_RECORDED_HOOKS:
        hook(payment=payment)
    order_money_track(order=locked, verb=Verb.PAYMENT_SUCCEEDED, amount=payment.amount)
    order.status, order.paid_at = locked.status, locked.paid_at
    logger.info("payment %s:%s recorded for order %s", gateway, payment_id, locked.number)
    return payment


def _grant_courses(order: Order, *, source: str) -> list[Any]:
    items = order.items.filter(kind=OrderItem.Kind.COURSE, course__isnull=False).select_related(
        "course"
    )
    courses = []
    for item in items:
        cohort = cohort_get(cohort_id=item.cohort_id) if item.cohort_id else None
        enrollment_grant(
            user=order.user,
            course=item.course,  # type: ignore[arg-type]
            source=source,
            reference=order_reference(order),
            cohort=cohort,
        )
        if cohort is not None:
            # a seat the waitlist offered (or a place in it) is now this enrollment's
            waitlist_seat_granted(user=order.user, cohort=cohort)
        courses.append(item.course)
    return courses


def _notify_paid(order: Order, courses: list[Any]) -> None:
    if not courses:
        return
    notify(
        recipients=[order.user],
        kind="commerce.order_paid",
        context={
            "order_number": order.number,
            "course_title": courses[0].title,
            "more": len(courses) - 1,
        },
        url=reverse("courses:detail", args=[courses[0].slug]),
        dedupe_key=f"order-paid:{order.pk}",
    )


@transaction.atomic
def order_payment_failed(*, order: Order, message: str = "") -> Order:
    """The gateway says the payment failed: a pending order shows it (and may be paid again)."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status == Order.Status.PENDING:
        locked.status = Order.Status.FAILED
        if message:
            locked.note = f"{locked.note}\n{message}".strip()
        locked.save(update_fields=["status", "note", "updated_at"])
    return locked


@transaction.atomic
def order_cancel(*, order: Order, user: Any) -> Order:
    """The buyer gives up an unpaid order."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.user_id != getattr(user, "pk", None) and not user_is_staff(user):
        raise NotFound(_("Not found."))
    if locked.status not in OPEN_STATUSES:
        raise Conflict(_("Only an unpaid order can be cancelled."), code="order_closed")
    locked.status = Order.Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    return locked


def _require_staff(user: Any) -> None:
    if not user_is_staff(user):
        raise PermissionDenied(_("Only staff can settle orders by hand."), code="not_staff")


def order_mark_paid(*, order: Order, user: Any, note: str = "") -> Payment:
    """Staff record an offline payment of a manual order (a bank transfer, cash)."""
    _require_staff(user)
    if order.gateway != Gateway.MANUAL:
        raise Conflict(
            _("Only offline (manual) orders are marked paid by hand."), code="not_manual"
        )
    if order.status == Order.Status.PAID:
        raise Conflict(_("This order is already paid."), code="already_paid")
    if order.status not in OPEN_STATUSES:
        raise Conflict(_("This order is closed."), code="order_closed")
    return payment_record(
        order=order,
        gateway=Gateway.MANUAL,
        payment_id=f"manual-{order.number}",
        amount=order.total,
        currency=order.currency,
        recorded_by=user,
        note=note,
    )


@transaction.atomic
def order_grant_access(*, order: Order, user: Any, note: str = "") -> Order:
    """Staff give the order's courses without a payment (a scholarship, a sponsor who pays
    later); the order stays as it is, with the note."""
    _require_staff(user)
    if not note.strip():
        raise ValidationError(
            _("Say why access is granted."),
            code="note_required",
            errors={"note": [_("Say why access is granted.")]},
        )
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status == Order.Status.PAID:
        raise Conflict(
            _("This order is paid: its courses are already granted."), code="already_paid"
        )
    _grant_courses(locked, source="staff")
    stamp = _("Access granted by %(name)s: %(note)s") % {
        "name": user.get_short_name() if hasattr(user, "get_short_name") else user,
        "note": note.strip(),
    }
    locked.note = f"{locked.note}\n{stamp}".strip()
    locked.save(update_fields=["note", "updated_at"])
    return locked


def order_money_track(*, order: Order, verb: str, amount: Decimal) -> None:
    """The learning event of money paid for or refunded on ``order`` (analytics); the course
    is named when the order is for one course."""
    course_ids = list(
        order.items.filter(kind=OrderItem.Kind.COURSE, course__isnull=False).values_list(
            "course_id", flat=True
        )[:2]
    )
    track(
        actor=ActorRef(order.user_id),
        verb=verb,
        object=ObjectRef("order", order.pk),
        context={"course": course_ids[0]} if len(course_ids) == 1 else {},
        result={"amount": f"{Decimal(amount):.2f}", "currency": order.currency},
    )
