"""The revenue summary: per day or month, per currency and gateway; refunds on their day."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from commerce.models import Payment, Refund
from commerce.selectors_revenue import revenue_summary
from commerce.tests.factories import OrderFactory, PaymentFactory, RefundFactory

pytestmark = pytest.mark.django_db


def at(y, m, d, h=12):
    return datetime(y, m, d, h, tzinfo=UTC)


def pay(amount, when, *, currency="INR", gateway="manual", refunded=None, refunded_on=None):
    order = OrderFactory(currency=currency, gateway=gateway, total=Decimal(amount))
    payment = PaymentFactory(order=order, amount=Decimal(amount))
    Payment.objects.filter(pk=payment.pk).update(created_at=when)
    if refunded:
        refund = RefundFactory(payment=payment, amount=Decimal(refunded))
        Refund.objects.filter(pk=refund.pk).update(created_at=refunded_on or when)
    return payment


@pytest.fixture
def sales():
    pay("1000.00", at(2026, 11, 1))
    pay("500.00", at(2026, 11, 1), gateway="stripe", refunded="200.00", refunded_on=at(2026, 12, 2))
    pay("20.00", at(2026, 11, 3), currency="USD", gateway="stripe")
    pay("999.00", at(2026, 10, 31, 23))  # before the range
    failed = pay("50.00", at(2026, 11, 2))
    Payment.objects.filter(pk=failed.pk).update(status=Payment.Status.FAILED)


def test_revenue_summary_by_day_per_currency_and_gateway(sales):
    summary = revenue_summary(start=date(2026, 11, 1), end=date(2026, 12, 31), by="day")
    rows = [(r.period, r.currency, r.gateway, r.revenue, r.refunds, r.net) for r in summary.rows]
    assert rows == [
        (
            date(2026, 11, 1),
            "INR",
            "manual",
            Decimal("1000.00"),
            Decimal("0.00"),
            Decimal("1000.00"),
        ),
        (date(2026, 11, 1), "INR", "stripe", Decimal("500.00"), Decimal("0.00"), Decimal("500.00")),
        (date(2026, 11, 3), "USD", "stripe", Decimal("20.00"), Decimal("0.00"), Decimal("20.00")),
        (
            date(2026, 12, 2),
            "INR",
            "stripe",
            Decimal("0.00"),
            Decimal("200.00"),
            Decimal("-200.00"),
        ),
    ]
    totals = {
        t.currency: (t.revenue, t.refunds, t.net, t.payments, t.refund_count)
        for t in summary.totals
    }
    assert totals == {
        "INR": (Decimal("1500.00"), Decimal("200.00"), Decimal("1300.00"), 2, 1),
        "USD": (Decimal("20.00"), Decimal("0.00"), Decimal("20.00"), 1, 0),
    }
    by_gateway = {(g.currency, g.gateway): g.net for g in summary.by_gateway}
    assert by_gateway == {
        ("INR", "manual"): Decimal("1000.00"),
        ("INR", "stripe"): Decimal("300.00"),
        ("USD", "stripe"): Decimal("20.00"),
    }


def test_revenue_summary_by_month_and_one_gateway(sales):
    summary = revenue_summary(
        start=date(2026, 10, 1), end=date(2026, 12, 31), by="month", gateway="stripe"
    )
    assert [(r.period, r.currency, r.net) for r in summary.rows] == [
        (date(2026, 11, 1), "INR", Decimal("500.00")),
        (date(2026, 11, 1), "USD", Decimal("20.00")),
        (date(2026, 12, 1), "INR", Decimal("-200.00")),
    ]


def test_revenue_summary_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    for day in range(1, 29):
        pay("10.00", at(2026, 2, day), refunded="1.00")
    with django_assert_max_num_queries(2):
        summary = revenue_summary(start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert len(summary.rows) == 28
    assert summary.totals[0].net == Decimal("252.00")
