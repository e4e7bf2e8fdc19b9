"""What an order costs: list prices, a coupon's discount, tax, per item and per order.

Tax follows the settings (``KALPLA_TAX_RATE``, ``KALPLA_PRICES_INCLUDE_TAX``): with inclusive
prices the tax is the part of the discounted price that is tax (the total does not change);
with exclusive prices it is added on top. Each item is rounded half up to the paisa/cent and
the order's figures are the sums of its items', so a receipt's lines always add up.

A coupon code is priced by ``commerce.services.coupons.coupon_quote(*, code, user, items)``
(the coupons module), which validates it and answers a :class:`CouponQuote`: the coupon and
the discount it gives on ``items`` (all in the order's currency). The discount is shared
over the items in proportion to their list prices.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError

if TYPE_CHECKING:
    from commerce.models import Coupon

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
COUPONS_MODULE = "commerce.services.coupons"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceItem:
    """One thing being bought, before discount and tax."""

    kind: str  # an OrderItem.Kind value
    title: str
    list_price: Decimal
    currency: str
    course: Any = None
    plan: Any = None


@dataclass(frozen=True)
class CouponQuote:
    """What ``coupon_quote`` answers: the valid coupon and its discount on the items."""

    coupon: Coupon
    discount: Decimal


@dataclass(frozen=True)
class PricedLine:
    item: PriceItem
    discount: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Quote:
    currency: str
    lines: list[PricedLine]
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal
    tax_rate: Decimal
    tax_inclusive: bool
    tax_name: str
    coupon: Coupon | None = None

    @property
    def is_free(self) -> bool:
        return self.total == ZERO


def _split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` shared in proportion to ``weights``, rounded, adding up exactly."""
    whole = sum(weights, ZERO)
    if not weights:
        return []
    if whole == ZERO:
        return [ZERO] * len(weights)
    shares = [money(amount * w / whole) for w in weights[:-1]]
    return [*shares, amount - sum(shares, ZERO)]


def line_tax(*, price: Decimal, rate: Decimal, inclusive: bool) -> tuple[Decimal, Decimal]:
    """(tax, total) of a line whose price after discount is ``price``."""
    if rate <= ZERO or price <= ZERO:
        return ZERO, price
    if inclusive:
        net = money(price * 100 / (100 + rate))
        return price - net, price
    tax = money(price * rate / 100)
    return tax, price + tax


def coupon_quote(*, code: str, user: Any, items: list[PriceItem]) -> CouponQuote:
    """The coupons module's answer for ``code`` (ValidationError when it refuses it)."""
    try:
        coupons = import_module(COUPONS_MODULE)
    except ModuleNotFoundError:
        raise ValidationError(
            _("This coupon code is not valid."),
            code="coupon_invalid",
            errors={"coupon": [_("This coupon code is not valid.")]},
        ) from None
    quote: CouponQuote = coupons.coupon_quote(code=code, user=user, items=items)
    return quote


def quote_items(*, items: list[PriceItem], user: Any = None, coupon_code: str = "") -> Quote:
    """The price of ``items`` (one currency) with the coupon ``coupon_code`` if given."""
    if not items:
        raise ValidationError(_("There is nothing to buy."), code="empty_order")
    currency = items[0].currency
    if any(item.currency != currency for item in items):
        raise ValidationError(
            _("Items in different currencies cannot be bought together."), code="mixed_currency"
        )
    rate = Decimal(settings.KALPLA_TAX_RATE)
    inclusive = bool(settings.KALPLA_PRICES_INCLUDE_TAX)
    subtotal = sum((item.list_price for item in items), ZERO)
    coupon = None
    discount = ZERO
    code = coupon_code.strip()
    if code:
        found = coupon_quote(code=code, user=user, items=items)
        coupon, discount = found.coupon, min(money(found.discount), subtotal)
    discounts = _split(discount, [item.list_price for item in items])
    lines = []
    for item, item_discount in zip(items, discounts, strict=True):
        tax, total = line_tax(price=item.list_price - item_discount, rate=rate, inclusive=inclusive)
        lines.append(PricedLine(item=item, discount=item_discount, tax=tax, total=total))
    return Quote(
        currency=currency,
        lines=lines,
        subtotal=subtotal,
        discount=discount,
        tax=sum((line.tax for line in lines), ZERO),
        total=sum((line.total for line in lines), ZERO),
        tax_rate=rate,
        tax_inclusive=inclusive,
        tax_name=settings.KALPLA_TAX_NAME,
        coupon=coupon,
    )


def course_price_item(*, course: Any) -> PriceItem:
    return PriceItem(
        kind="course",
        title=course.title,
        list_price=money(Decimal(course.price)),
        currency=course.currency,
        course=course,
    )
