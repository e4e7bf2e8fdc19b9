"""Subscriptions: subscribe to a plan, cancel at period end, resume, staff activation of
manual subscriptions, and the gateway's word on a subscription (``subscription_apply_remote``).

Money: one order per paid period. The first order is made when the person subscribes; each
renewal payment gets an order of its own, so every payment has its order, invoice and refund
path like a course purchase. ``Subscription.order`` is the latest period's order.

Out of order: the gateway's events carry when they happened; an event older than the newest
one applied (``last_event_at``) changes no state (its payment, a fact, is still recorded).

Access follows the state through ``subscription_state.subscription_access_sync``.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from commerce.gateways import (
    CheckoutSession,
    GatewayError,
    RemoteSubscription,
    WebhookEvent,
    get_gateway,
)
from commerce.models import Gateway, Order, OrderItem, Payment, Plan, Subscription
from commerce.policies_subscriptions import (
    subscription_can_manage,
    subscriptions_can_administer,
)
from commerce.services import subscription_notices as notices
from commerce.services.orders import payment_record
from commerce.services.pricing import PriceItem, money, quote_items
from commerce.services.subscription_state import (
    ENDED,
    LIVE,
    Status,
    add_interval,
    subscription_access_sync,
    subscriptions_live_for,
    trial_days_for,
)
from kalpla.exceptions import Conflict, NotFound, PermissionDenied, Unavailable, ValidationError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubscriptionStart:
    subscription: Subscription
    # Where to send the subscriber to pay; None for manual subscriptions (staff activate them).
    checkout: CheckoutSession | None


# --- orders of a plan ----------------------------------------------------------------------


def plan_order_create(
    *, user: Any, plan: Plan, gateway: str, note: str = "", coupon_code: str = ""
) -> Order:
    """A pending order for one period of ``plan``, priced like a course (tax per settings;
    a coupon, checked by the coupons module, takes off the first period only)."""
    quote = quote_items(items=[plan_price_item(plan=plan)], user=user, coupon_code=coupon_code)
    if quote.coupon is not None and gateway == Gateway.RAZORPAY:
        message = _("Coupons cannot be used for plans paid through Razorpay yet.")
        raise ValidationError(message, code="coupon_invalid", errors={"coupon": [message]})
    order = Order(
        number=f"KAL-{timezone.now():%Y%m%d}-{secrets.token_hex(4).upper()}",
        user=user,
        gateway=gateway,
        currency=quote.currency,
        subtotal=quote.subtotal,
        discount=quote.discount,
        tax=quote.tax,
        total=quote.total,
        tax_rate=quote.tax_rate,
        tax_inclusive=quote.tax_inclusive,
        coupon=quote.coupon,
        note=note,
    )
    order.full_clean()
    order.save()
    line = quote.lines[0]
    OrderItem.objects.create(
        order=order,
        kind=OrderItem.Kind.PLAN,
        plan=plan,
        title=line.item.title[:200],
        list_price=line.item.list_price,
        discount=line.discount,
        tax=line.tax,
        total=line.total,
    )
    return order


def plan_price_item(*, plan: Plan) -> PriceItem:
    return PriceItem(
        kind=OrderItem.Kind.PLAN,
        title=f"{plan.name} ({plan.get_interval_display()})",
        list_price=money(plan.price),
        currency=plan.currency,
        plan=plan,
    )


def _record_payment(
    *,
    subscription: Subscription,
    payment_id: str,
    amount: Decimal | None,
    currency: str,
    recorded_by: Any = None,
    note: str = "",
) -> Payment | None:
    """Record one period's payment: on the pending order, else on a new renewal order
    (``amount`` None: the order's total). Caller holds the subscription's row lock; a
    payment already recorded is left alone."""
    if Payment.objects.filter(gateway=subscription.gateway, gateway_payment_id=payment_id).exists():
        return None
    order = subscription.order
    if order is None or order.status != Order.Status.PENDING:
        order = plan_order_create(
            user=subscription.user,
            plan=subscription.plan,
            gateway=subscription.gateway,
            note=_("Renewal of subscription %(id)s") % {"id": subscription.pk},
        )
        subscription.order = order
        subscription.save(update_fields=["order", "updated_at"])
    return payment_record(
        order=order,
        gateway=subscription.gateway,
        payment_id=payment_id,
        amount=order.total if amount is None else amount,
        currency=currency,
        recorded_by=recorded_by,
        note=note,
    )


# --- subscribe -----------------------------------------------------------------------------


def subscription_start(
    *,
    user: Any,
    plan: Plan,
    success_url: str,
    cancel_url: str,
    gateway: str | None = None,
    coupon_code: str = "",
) -> SubscriptionStart:
    """Subscribe ``user`` to ``plan`` through ``gateway`` (the configured one by default).

    ``{subscription}`` in ``success_url`` becomes the subscription's id. Stripe and
    Razorpay: a pending subscription and the checkout to pay at; the gateway's
    webhook makes it live. Manual: a plan with a trial starts trialing now (one trial per
    person and plan); otherwise it waits for staff to record the payment. Asking again while
    a checkout is pending reuses the pending subscription. ``coupon_code`` (checked by the
    coupons module: ValidationError with ``errors["coupon"]``) takes off the first period.
    """
    name = gateway or settings.KALPLA_PAYMENT_GATEWAY
    subscription = _subscription_prepare(
        user=user, plan=plan, gateway=name, coupon_code=coupon_code
    )
    if name == Gateway.MANUAL:
        return SubscriptionStart(subscription=subscription, checkout=None)
    try:
        session = get_gateway(name).subscription_start(
            order=subscription.order,  # type: ignore[arg-type]
            plan=plan,
            success_url=success_url.replace("{subscription}", str(subscription.pk)),
            cancel_url=cancel_url,
        )
    except GatewayError as exc:
        logger.warning("subscription %s: checkout failed: %s", subscription.pk, exc)
        raise Unavailable(
            _("The payment provider could not be reached. Please try again in a minute."),
            code="gateway_unavailable",
        ) from exc
    _checkout_remember(subscription, session)
    return SubscriptionStart(subscription=subscription, checkout=session)


@transaction.atomic
def _subscription_prepare(
    *, user: Any, plan: Plan, gateway: str, coupon_code: str = ""
) -> Subscription:
    # The plan's row lock makes two clicks of "Subscribe" one subscription.
    locked_plan = Plan.objects.select_for_update().filter(pk=plan.pk, is_active=True).first()
    if locked_plan is None:
        raise NotFound(_("This plan is not on sale."))
    if subscriptions_live_for(user_id=user.pk, plan=locked_plan).exists():
        raise Conflict(_("You already subscribe to this plan."), code="already_subscribed")
    pending = (
        Subscription.objects.select_related("order__coupon")
        .filter(user=user, plan=locked_plan, gateway=gateway, status=Status.INCOMPLETE)
        .first()
    )
    if pending is not None and pending.order is not None:
        if _coupon_code(pending.order) == coupon_code.strip().upper():
            return pending
        # another coupon (or none now): the pending order is replaced by a new price
        Order.objects.filter(pk=pending.order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.CANCELLED, updated_at=timezone.now()
        )
        pending.order = plan_order_create(
            user=user, plan=locked_plan, gateway=gateway, coupon_code=coupon_code
        )
        pending.save(update_fields=["order", "updated_at"])
        return pending
    order = plan_order_create(user=user, plan=locked_plan, gateway=gateway, coupon_code=coupon_code)
    subscription = Subscription(user=user, plan=locked_plan, order=order, gateway=gateway)
    trial_days = trial_days_for(user_id=user.pk, plan=locked_plan)
    if trial_days:
        # gateways: the trial their checkout offers (their events say when it really ends)
        subscription.trial_ends_at = timezone.now() + timedelta(days=trial_days)
    if gateway == Gateway.MANUAL and trial_days:
        subscription.status = Status.TRIALING
        subscription.current_period_start = timezone.now()
        subscription.current_period_end = subscription.trial_ends_at
    subscription.full_clean()
    subscription.save()
    if subscription.status == Status.TRIALING:
        subscription_access_sync(subscription=subscription)
        notices.notice_started(subscription)
    logger.info("user %s subscribes to plan %s (%s)", user.pk, plan.pk, gateway)
    return subscription


def _coupon_code(order: Order) -> str:
    return order.coupon.code.upper() if order.coupon_id and order.coupon else ""


def _checkout_remember(subscription: Subscription, session: CheckoutSession) -> None:
    order = subscription.order
    assert order is not None
    order.gateway_order_id = session.reference
    order.checkout_url = session.url or ""
    order.save(update_fields=["gateway_order_id", "checkout_url", "updated_at"])


# --- the subscriber's choices ----------------------------------------------------------------


def _locked(subscription: Subscription) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "user", "order")
        .get(pk=subscription.pk)
    )


def _require_manager(user: Any, subscription: Subscription) -> None:
    if not subscription_can_manage(user=user, subscription=subscription):
        raise NotFound(_("Not found."))


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, user: Any) -> Subscription:
    """Cancel at the end of the paid period (access lasts until then); a subscription still
    waiting for its first payment is dropped at once. Idempotent."""
    _require_manager(user, subscription)
    sub = _locked(subscription)
    if sub.status in ENDED:
        raise Conflict(_("This subscription has already ended."), code="subscription_ended")
    if sub.status == Status.INCOMPLETE:
        sub.status, sub.cancelled_at = Status.CANCELLED, timezone.now()
        sub.save(update_fields=["status", "cancelled_at", "updated_at"])
        if sub.order is not None and sub.order.status == Order.Status.PENDING:
            sub.order.status = Order.Status.CANCELLED
            sub.order.save(update_fields=["status", "updated_at"])
        return sub
    if sub.cancel_at_period_end:
        return sub
    if sub.gateway not in (Gateway.MANUAL, Gateway.FREE):
        _gateway_call(
            lambda: get_gateway(sub.gateway).subscription_cancel(
                subscription=sub, at_period_end=True
            )
        )
    sub.cancel_at_period_end, sub.cancelled_at = True, timezone.now()
    sub.save(update_fields=["cancel_at_period_end", "cancelled_at", "updated_at"])
    notices.notice_cancelled(sub)
    return sub


@transaction.atomic
def subscription_resume(*, subscription: Subscription, user: Any) -> Subscription:
    """Undo a cancellation at period end while the period lasts."""
    _require_manager(user, subscription)
    sub = _locked(subscription)
    if sub.status not in LIVE or not sub.cancel_at_period_end:
        raise Conflict(_("This subscription is not set to end."), code="not_cancelled")
    if sub.gateway not in (Gateway.MANUAL, Gateway.FREE):
        gateway = get_gateway(sub.gateway)
        resume = getattr(gateway, "subscription_resume", None)
        if resume is None:
            raise Conflict(
                _("Resume this subscription from the payment provider's page."),
                code="resume_at_gateway",
            )
        _gateway_call(lambda: resume(subscription=sub))
    sub.cancel_at_period_end, sub.cancelled_at = False, None
    sub.save(update_fields=["cancel_at_period_end", "cancelled_at", "updated_at"])
    return sub


def subscription_portal_url(*, subscription: Subscription, user: Any, return_url: str) -> str:
    """The gateway's hosted page for card and plan changes (Stripe's Billing Portal)."""
    _require_manager(user, subscription)
    url = None
    if subscription.gateway not in (Gateway.MANUAL, Gateway.FREE) and (
        subscription.gateway_customer_id or subscription.gateway_subscription_id
    ):
        url = _gateway_call(
            lambda: get_gateway(subscription.gateway).billing_portal_url(
                subscription=subscription, return_url=return_url
            )
        )
    if not url:
        raise Conflict(
            _("This subscription has no payment provider page to manage it."),
            code="no_billing_portal",
        )
    return url


def _gateway_call(call: Any) -> Any:
    try:
        return call()
    except GatewayError as exc:
        logger.warning("gateway call failed: %s", exc)
        raise Unavailable(
            _("The payment provider could not be reached. Please try again in a minute."),
            code="gateway_unavailable",
        ) from exc


# --- staff: manual subscriptions -------------------------------------------------------------


@transaction.atomic
def subscription_mark_paid(
    *, subscription: Subscription, by: Any, note: str = "", reference: str = ""
) -> Subscription:
    """Staff received a manual subscription's payment: record it (an order and invoice per
    period) and start or extend the paid period; a lapsed subscription comes back, with its
    courses' progress."""
    if not subscriptions_can_administer(user=by):
        raise PermissionDenied(_("Only staff can record payments."), code="not_staff")
    sub = _locked(subscription)
    if sub.gateway != Gateway.MANUAL:
        raise Conflict(
            _("Only manual subscriptions are paid by hand; this one is paid through %(g)s.")
            % {"g": sub.get_gateway_display()},
            code="not_manual",
        )
    if sub.status == Status.CANCELLED:
        raise Conflict(
            _("The subscriber cancelled this subscription: they can subscribe again."),
            code="subscription_cancelled",
        )
    _record_payment(
        subscription=sub,
        payment_id=reference or f"manual-sub-{sub.pk}-{get_random_string(8)}",
        amount=None,
        currency=sub.plan.currency,
        recorded_by=by,
        note=note,
    )
    sub.refresh_from_db()  # the payment's hook started or extended the period
    return sub


def subscription_payment_recorded(*, payment: Payment) -> None:
    """Runs inside ``payment_record`` (its hook list): a manual plan order paid, here or by
    staff marking the order paid, starts or extends its subscription's period. Gateways'
    subscriptions move with their own events instead."""
    if payment.gateway != Gateway.MANUAL:
        return
    sub = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "user")
        .filter(order_id=payment.order_id)
        .exclude(status=Status.CANCELLED)
        .first()
    )
    if sub is not None:
        _manual_period_paid(sub)


def _manual_period_paid(sub: Subscription, now: datetime | None = None) -> None:
    """One more period paid: it starts when the paid time runs out (or now, if it has)."""
    now = now or timezone.now()
    was = sub.status
    end = sub.current_period_end
    start = end if was in (Status.ACTIVE, Status.TRIALING) and end and end > now else now
    sub.status = Status.ACTIVE
    sub.current_period_start = start
    sub.current_period_end = add_interval(start, sub.plan.interval)
    sub.save(update_fields=["status", "current_period_start", "current_period_end", "updated_at"])
    subscription_access_sync(subscription=sub, now=now)
    # A trial that turns paid goes on: its subscriber was told it started (the payment has
    # its own receipt).
    if was not in (Status.ACTIVE, Status.TRIALING):
        notices.notice_started(sub)


def subscription_order_refunded(order: Order) -> bool:
    """A plan order refunded in full ends its subscription now: the plan's courses close
    (progress kept) and a gateway stops charging. Returns whether access was taken back.

    Only the order of the period being used counts (a refund of an older period's order
    leaves the current one alone). Caller holds the order's row lock (refunds._settle).
    """
    found = Subscription.objects.filter(order_id=order.pk, status__in=LIVE).first()
    if found is None:
        return False
    sub = _locked(found)
    if sub.gateway not in (Gateway.MANUAL, Gateway.FREE) and sub.gateway_subscription_id:
        try:
            get_gateway(sub.gateway).subscription_cancel(subscription=sub, at_period_end=False)
        except GatewayError:
            # the refund stands; the gateway's own cancellation event (or the reconciliation
            # sweep asking it) settles the remote side later
            logger.warning("subscription %s: cancelling at the gateway failed", sub.pk)
    now = timezone.now()
    sub.status, sub.cancelled_at, sub.current_period_end = Status.CANCELLED, now, now
    sub.save(update_fields=["status", "cancelled_at", "current_period_end", "updated_at"])
    subscription_access_sync(subscription=sub, now=now)
    notices.notice_ended(sub)
    return True


# --- the gateway's word ----------------------------------------------------------------------


def subscription_find(*, gateway: str, remote: RemoteSubscription) -> Subscription | None:
    """The subscription ``remote`` describes: by the gateway's id, else (its first event) by
    the order its checkout was for."""
    found = Subscription.objects.filter(
        gateway=gateway, gateway_subscription_id=remote.subscription_id
    ).first()
    if found is not None or not remote.order_reference:
        return found
    ref = remote.order_reference
    order = (
        Order.objects.filter(gateway=gateway, gateway_order_id=ref).first()
        or Order.objects.filter(gateway=gateway, number=ref).first()
    )
    if order is None:
        return None
    return Subscription.objects.filter(order=order).first()


@transaction.atomic
def subscription_apply_remote(
    *, gateway: str, remote: RemoteSubscription, event_at: datetime | None
) -> str:
    """Bring the subscription in step with what the gateway says; the outcome for the event
    log: ``applied``, ``stale`` (older than the newest event applied: state kept) or
    ``unmatched`` (no such subscription here).

    Safe under replay (the same state again changes nothing and tells nobody twice) and
    under reordering (``last_event_at``). A record with an empty ``status`` only carries a
    payment (Stripe's invoice.paid): the payment is recorded, the state left as it is.
    """
    found = subscription_find(gateway=gateway, remote=remote)
    if found is None:
        logger.warning("%s subscription %s: not ours", gateway, remote.subscription_id)
        return "unmatched"
    sub = _locked(found)
    paid = remote.latest_payment
    if paid is not None and paid.succeeded:
        _record_payment(
            subscription=sub,
            payment_id=paid.payment_id,
            amount=paid.amount,
            currency=paid.currency,
        )
    if not remote.status:
        # a payment-only record (an invoice paid): it links the gateway's id, nothing more
        if not sub.gateway_subscription_id:
            sub.gateway_subscription_id = remote.subscription_id
            sub.save(update_fields=["gateway_subscription_id", "updated_at"])
        return "applied"
    if event_at is not None and sub.last_event_at is not None and event_at < sub.last_event_at:
        logger.info("subscription %s: stale event from %s ignored", sub.pk, event_at)
        return "stale"
    before = (sub.status, sub.cancel_at_period_end)
    _apply_fields(sub, remote, event_at)
    subscription_access_sync(subscription=sub)
    _tell(sub, before, remote)
    return "applied"


def _apply_fields(sub: Subscription, remote: RemoteSubscription, event_at: datetime | None) -> None:
    sub.status = remote.status
    sub.gateway_subscription_id = sub.gateway_subscription_id or remote.subscription_id
    sub.gateway_customer_id = remote.customer_id or sub.gateway_customer_id
    sub.current_period_start = remote.current_period_start or sub.current_period_start
    sub.current_period_end = remote.current_period_end or sub.current_period_end
    sub.trial_ends_at = remote.trial_ends_at or sub.trial_ends_at
    if remote.cancel_at_period_end or sub.gateway != Gateway.RAZORPAY or remote.status in ENDED:
        # Razorpay shows no "cancel at cycle end" flag: the one set when asking for it stands
        sub.cancel_at_period_end = remote.cancel_at_period_end
    if remote.status in ENDED or remote.cancel_at_period_end:
        sub.cancelled_at = sub.cancelled_at or event_at or timezone.now()
    elif sub.status in LIVE:
        sub.cancelled_at = None
    if event_at is not None:
        sub.last_event_at = event_at
    sub.full_clean()
    sub.save()


def _tell(sub: Subscription, before: tuple[str, bool], remote: RemoteSubscription) -> None:
    was_status, was_cancelling = before
    if sub.status == was_status and sub.cancel_at_period_end == was_cancelling:
        return
    if sub.status in (Status.TRIALING, Status.ACTIVE) and was_status in (
        Status.INCOMPLETE,
        *ENDED,
    ):
        notices.notice_started(sub)
    elif sub.status == Status.PAST_DUE and was_status != Status.PAST_DUE:
        failed = remote.latest_payment
        message = failed.failure_message if failed and not failed.succeeded else ""
        notices.notice_payment_failed(sub, message=message)
    elif sub.status in ENDED and was_status not in ENDED and was_status != Status.INCOMPLETE:
        notices.notice_ended(sub)
    if sub.cancel_at_period_end and not was_cancelling and sub.status in LIVE:
        notices.notice_cancelled(sub)


def subscription_updated_webhook(event: WebhookEvent, gateway_name: str) -> str:
    """``WEBHOOK_HANDLERS["subscription.updated"]``: runs in the transaction that stores the
    event (commerce/services/webhooks.py), so a replay applies nothing twice."""
    if event.subscription is None:
        return "ignored"
    return subscription_apply_remote(
        gateway=gateway_name, remote=event.subscription, event_at=event.created_at
    )
