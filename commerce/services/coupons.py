"""Coupons: checking a code against what is being bought (``coupon_quote``, called by pricing
when an order is priced) and counting its use once the order is paid (``coupon_redeem``,
called by ``payment_record`` in the payment's transaction).

One coupon per order: a code naming several coupons, or a second coupon on an order that has
one, is refused ("stacking"). A percentage takes that share off each item it covers; a fixed
amount (in its own currency only) comes off the items it covers, shared in proportion to their
prices and never below zero. A 100% coupon makes the order free: checkout then records it
without a gateway.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.selectors.lessons import course_published_list
from kalpla.exceptions import Conflict, NotFound, ValidationError

from ..models import ZERO, Coupon, Order, OrderItem, Plan

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
# Orders that were paid (whatever happened after): they count as uses and as purchases.
PAID_STATUSES = (
    Order.Status.PAID,
    Order.Status.PARTIALLY_REFUNDED,
    Order.Status.REFUNDED,
)
_SEPARATORS = re.compile(r"[\s,;+&]+")


class PricedItem(Protocol):
    """What a quote needs of a line: pricing's ``PriceItem`` (with ``course``/``plan``
    objects), an ``OrderItem`` or a ``QuoteItem`` (with ``course_id``/``plan_id``)."""

    @property
    def kind(self) -> str: ...

    @property
    def list_price(self) -> Decimal: ...


@dataclass(frozen=True)
class QuoteItem:
    kind: str
    list_price: Decimal
    course_id: int | None = None
    plan_id: int | None = None
    currency: str = ""


@dataclass(frozen=True)
class CouponQuote:
    """What the coupon takes off: per item (in the order of ``items``) and in all."""

    coupon: Coupon
    currency: str
    item_discounts: tuple[Decimal, ...]

    @property
    def discount(self) -> Decimal:
        return sum(self.item_discounts, ZERO)


def coupon_code_normalize(code: str) -> str:
    return (code or "").strip().upper()


def coupon_quote(
    *,
    code: str,
    user: Any,
    items: Sequence[PricedItem],
    currency: str = "",
    now: datetime | None = None,
    order: Order | None = None,
) -> CouponQuote:
    """The discount of coupon ``code`` on ``items`` bought by ``user`` (priced in
    ``currency``, by default the course's or plan's own); ``ValidationError`` with a message
    for the ``coupon`` field when it does not apply. ``order`` is the order being priced
    (its own use is not counted against the limits)."""
    normalized = coupon_code_normalize(code)
    if not normalized:
        raise _invalid(_("Enter a coupon code."), "coupon_required")
    if len(_SEPARATORS.split(normalized)) > 1:
        raise _invalid(
            _("Only one coupon can be used per order. Enter a single code."), "coupon_stacking"
        )
    coupon = Coupon.objects.filter(code__iexact=normalized).first()
    if coupon is None or not coupon.is_active:
        raise _invalid(_("This coupon code is not valid."), "coupon_invalid")
    _check_window(coupon, now or timezone.now())
    _check_limits(coupon, user, exclude_order=order)
    currency = currency or _items_currency(items)
    discounts = _discounts(coupon, items, currency)
    return CouponQuote(coupon=coupon, currency=currency, item_discounts=discounts)


def coupon_redeem(*, coupon: Coupon, order: Order, strict: bool = False) -> Coupon:
    """Count the use of ``coupon`` by the paid ``order``; idempotent (a replayed payment
    counts once: the count is that of the coupon's paid orders).

    Runs under the coupon's row lock in the payment's transaction. When two orders quoted
    the last use at once, the second finds the coupon used up: with ``strict`` (nothing was
    collected, e.g. a 100% coupon) that is a ``Conflict`` that rolls the order back; without
    (money was taken) the use is recorded and logged, the buyer keeps what they paid for.
    """
    with transaction.atomic():
        locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
        others = Order.objects.filter(coupon=locked, status__in=PAID_STATUSES).exclude(pk=order.pk)
        used_before = others.count()
        if locked.max_uses is not None and used_before >= locked.max_uses:
            if strict:
                raise Conflict(
                    _("This coupon has been used up. Try again without it."),
                    code="coupon_exhausted",
                    errors={"coupon": [_("This coupon has been used up.")]},
                )
            logger.warning(
                "coupon %s used past its limit by paid order %s", locked.code, order.number
            )
        locked.times_used = used_before + 1
        locked.save(update_fields=["times_used"])
    coupon.times_used = locked.times_used
    return locked


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code, errors={"coupon": [message]})


def _check_window(coupon: Coupon, now: datetime) -> None:
    if coupon.valid_from is not None and now < coupon.valid_from:
        raise _invalid(_("This coupon is not valid yet."), "coupon_not_yet_valid")
    if coupon.valid_until is not None and now >= coupon.valid_until:
        raise _invalid(_("This coupon has expired."), "coupon_expired")


def _check_limits(coupon: Coupon, user: Any, *, exclude_order: Order | None) -> None:
    if coupon.max_uses is not None and coupon.times_used >= coupon.max_uses:
        raise _invalid(_("This coupon has been used up."), "coupon_exhausted")
    if user is None or not getattr(user, "is_authenticated", False):
        raise _invalid(_("Sign in to use a coupon."), "coupon_sign_in")
    paid = Order.objects.filter(user=user, status__in=PAID_STATUSES)
    if exclude_order is not None and exclude_order.pk:
        paid = paid.exclude(pk=exclude_order.pk)
    per_user = coupon.max_uses_per_user
    if per_user is not None and paid.filter(coupon=coupon).count() >= per_user:
        raise _invalid(
            _("You have already used this coupon as many times as it allows."),
            "coupon_used_by_you",
        )
    if coupon.first_purchase_only and paid.exists():
        raise _invalid(_("This coupon is only for a first purchase."), "coupon_first_purchase")


def _target_id(item: PricedItem, name: str) -> int | None:
    """The item's course or plan id (``course_id``, or the ``course`` object's pk)."""
    found = getattr(item, f"{name}_id", None)
    if found is None:
        found = getattr(getattr(item, name, None), "pk", None)
    return found


def _covers(coupon: Coupon, item: PricedItem) -> bool:
    if coupon.scope == Coupon.Scope.GLOBAL:
        return True
    if coupon.scope == Coupon.Scope.COURSE:
        return item.kind == OrderItem.Kind.COURSE and _target_id(item, "course") == coupon.course_id
    return item.kind == OrderItem.Kind.PLAN and _target_id(item, "plan") == coupon.plan_id


def _items_currency(items: Sequence[PricedItem]) -> str:
    for item in items:
        if getattr(item, "currency", ""):
            return str(item.currency)  # type: ignore[attr-defined]
        target = getattr(item, "course" if item.kind == OrderItem.Kind.COURSE else "plan", None)
        if target is not None:
            return str(target.currency)
    return ""


def _discounts(coupon: Coupon, items: Sequence[PricedItem], currency: str) -> tuple[Decimal, ...]:
    covered = [_covers(coupon, item) and item.list_price > 0 for item in items]
    if not any(covered):
        raise _invalid(
            _("This coupon does not apply to what you are buying."), "coupon_not_applicable"
        )
    if coupon.kind == Coupon.Kind.PERCENT:
        rate = coupon.value / Decimal(100)
        return tuple(
            _cents(item.list_price * rate) if yes else ZERO
            for item, yes in zip(items, covered, strict=True)
        )
    if coupon.currency.upper() != currency.upper():
        raise _invalid(
            _("This coupon is for payments in %(currency)s.") % {"currency": coupon.currency},
            "coupon_wrong_currency",
        )
    prices = [item.list_price if yes else ZERO for item, yes in zip(items, covered, strict=True)]
    return _share_fixed(coupon.value, prices)


def _share_fixed(amount: Decimal, prices: list[Decimal]) -> tuple[Decimal, ...]:
    """``amount`` (at most the prices' sum) shared in proportion to ``prices``, in cents that
    add up exactly: the last covered item takes the rounding remainder."""
    total = sum(prices, ZERO)
    amount = min(amount, total)
    shares: list[Decimal] = []
    left = amount
    last = max(i for i, p in enumerate(prices) if p > 0)
    for i, price in enumerate(prices):
        if i == last:
            share = left
        else:
            share = min(_cents(amount * price / total), left) if price > 0 else ZERO
        shares.append(share)
        left -= share
    return tuple(shares)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CouponCheck:
    """A code tried on one course or plan before an order exists (the API's check): what it
    takes off, or why it does not apply (``reason``: the refusal's code, and ``message``)."""

    code: str
    currency: str
    list_price: Decimal
    discount: Decimal = ZERO
    description: str = ""
    reason: str | None = None
    message: str = ""

    @property
    def valid(self) -> bool:
        return self.reason is None

    @property
    def price_after_discount(self) -> Decimal:
        return self.list_price - self.discount


def coupon_check(*, code: str, user: Any, kind: str, slug: str) -> CouponCheck:
    """``code`` tried on the published course or the plan on sale ``slug`` (``kind`` is
    ``course`` or ``plan``); NotFound when there is no such thing."""
    if kind == OrderItem.Kind.COURSE:
        course = course_published_list().filter(slug=slug).first()
        if course is None:
            raise NotFound(_("There is no such course."))
        item = QuoteItem(
            kind=kind, course_id=course.pk, list_price=course.price, currency=course.currency
        )
    else:
        plan = Plan.objects.filter(slug=slug, is_active=True).first()
        if plan is None:
            raise NotFound(_("There is no such plan."))
        item = QuoteItem(kind=kind, plan_id=plan.pk, list_price=plan.price, currency=plan.currency)
    try:
        quote = coupon_quote(code=code, user=user, items=[item])
    except ValidationError as refused:
        return CouponCheck(
            code=coupon_code_normalize(code),
            currency=item.currency,
            list_price=item.list_price,
            reason=refused.code,
            message=refused.message,
        )
    return CouponCheck(
        code=quote.coupon.code,
        description=quote.coupon.description,
        currency=quote.currency,
        list_price=item.list_price,
        discount=quote.discount,
    )
