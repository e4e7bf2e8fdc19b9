from decimal import Decimal

import pytest

from commerce.services import pricing
from commerce.services.pricing import CouponQuote, PriceItem, line_tax, quote_items
from kalpla.exceptions import ValidationError


def item(price: str, currency: str = "INR", title: str = "A course") -> PriceItem:
    return PriceItem(kind="course", title=title, list_price=Decimal(price), currency=currency)


def test_line_tax_inclusive_takes_the_tax_out_of_the_price():
    assert line_tax(price=Decimal("1180.00"), rate=Decimal("18"), inclusive=True) == (
        Decimal("180.00"),
        Decimal("1180.00"),
    )
    # 999 / 1.18 = 846.6101...: rounded half up to the paisa
    assert line_tax(price=Decimal("999.00"), rate=Decimal("18"), inclusive=True) == (
        Decimal("152.39"),
        Decimal("999.00"),
    )


def test_line_tax_exclusive_adds_the_tax():
    assert line_tax(price=Decimal("999.00"), rate=Decimal("18"), inclusive=False) == (
        Decimal("179.82"),
        Decimal("1178.82"),
    )


def test_line_tax_zero_rate_or_price_is_untaxed():
    assert line_tax(price=Decimal("10.00"), rate=Decimal("0"), inclusive=False)[0] == 0
    assert line_tax(price=Decimal("0.00"), rate=Decimal("18"), inclusive=True) == (0, 0)


def test_quote_items_inclusive_by_default(settings):
    settings.KALPLA_TAX_RATE = Decimal("18.00")
    settings.KALPLA_PRICES_INCLUDE_TAX = True
    quote = quote_items(items=[item("1180.00")])
    assert (quote.subtotal, quote.discount, quote.tax, quote.total) == (
        Decimal("1180.00"),
        Decimal("0.00"),
        Decimal("180.00"),
        Decimal("1180.00"),
    )
    assert quote.tax_name == "GST" and quote.tax_inclusive and not quote.is_free


def test_quote_items_exclusive_adds_tax_per_item_and_sums(settings):
    settings.KALPLA_PRICES_INCLUDE_TAX = False
    settings.KALPLA_TAX_RATE = Decimal("18.00")
    quote = quote_items(items=[item("10.05"), item("10.05")])
    # per item: 10.05 * 0.18 = 1.809 -> 1.81; the order is the sum of its lines
    assert [line.tax for line in quote.lines] == [Decimal("1.81"), Decimal("1.81")]
    assert quote.tax == Decimal("3.62") and quote.total == Decimal("23.72")


def test_quote_items_shares_a_coupon_discount_in_proportion(settings, monkeypatch):
    settings.KALPLA_PRICES_INCLUDE_TAX = True
    seen = {}

    def fake_quote(*, code, user, items):
        seen.update(code=code, items=items)
        return CouponQuote(coupon=None, discount=Decimal("100.00"))  # type: ignore[arg-type]

    monkeypatch.setattr(pricing, "coupon_quote", fake_quote)
    quote = quote_items(items=[item("200.00"), item("100.00")], coupon_code=" SAVE ")
    assert seen["code"] == "SAVE" and len(seen["items"]) == 2
    assert [line.discount for line in quote.lines] == [Decimal("66.67"), Decimal("33.33")]
    assert quote.discount == Decimal("100.00") and quote.total == Decimal("200.00")
    assert quote.tax == sum(line.tax for line in quote.lines)


def test_quote_items_discount_never_exceeds_the_price(monkeypatch):
    monkeypatch.setattr(
        pricing,
        "coupon_quote",
        lambda **kw: CouponQuote(coupon=None, discount=Decimal("5000")),  # type: ignore[arg-type]
    )
    quote = quote_items(items=[item("499.00")], coupon_code="ALL")
    assert quote.total == 0 and quote.is_free and quote.tax == 0


def test_coupon_quote_without_a_coupons_module_refuses_the_code(monkeypatch):
    monkeypatch.setattr(pricing, "COUPONS_MODULE", "commerce.services.no_such_module")
    with pytest.raises(ValidationError) as caught:
        quote_items(items=[item("10.00")], coupon_code="X")
    assert caught.value.code == "coupon_invalid" and "coupon" in caught.value.errors


def test_quote_items_refuses_empty_and_mixed_currencies():
    with pytest.raises(ValidationError):
        quote_items(items=[])
    with pytest.raises(ValidationError) as caught:
        quote_items(items=[item("1.00", "INR"), item("1.00", "USD")])
    assert caught.value.code == "mixed_currency"
