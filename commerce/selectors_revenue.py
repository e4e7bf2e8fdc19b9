"""The revenue summary (staff's /staff/revenue/ and its API; the analytics dashboards build
on it): money taken, money refunded and what is left, per day or month, per currency and per
gateway. Amounts of different currencies are never added together.

Payments count on the day they succeeded, refunds on the day they succeeded: a refund in
March of a January payment lowers March. Two aggregate queries, whatever the range.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDay, TruncMonth
from django.utils import timezone

from .models import ZERO, Payment, Refund

GROUPINGS = {"day": TruncDay, "month": TruncMonth}


@dataclass
class RevenueLine:
    """Money of one currency: taken, refunded, and what is left."""

    currency: str
    revenue: Decimal = ZERO
    refunds: Decimal = ZERO
    payments: int = 0
    refund_count: int = 0

    @property
    def net(self) -> Decimal:
        return self.revenue - self.refunds


@dataclass
class RevenueRow(RevenueLine):
    period: date = date.min
    gateway: str = ""


@dataclass
class RevenueSummary:
    start: date
    end: date
    by: str
    rows: list[RevenueRow] = field(default_factory=list)
    """Per period, currency and gateway, oldest period first."""
    totals: list[RevenueLine] = field(default_factory=list)
    """Per currency."""
    by_gateway: list[RevenueRow] = field(default_factory=list)
    """Per currency and gateway (``period`` unset)."""


def revenue_summary(
    *, start: date, end: date, by: str = "day", gateway: str = ""
) -> RevenueSummary:
    """From ``start`` to ``end`` (both included, in the site's time zone)."""
    trunc = GROUPINGS[by]
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), zone)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    payments = Payment.objects.filter(
        status=Payment.Status.SUCCEEDED, created_at__gte=since, created_at__lt=until
    )
    refunds = Refund.objects.filter(
        status=Refund.Status.SUCCEEDED, created_at__gte=since, created_at__lt=until
    )
    if gateway:
        payments = payments.filter(gateway=gateway)
        refunds = refunds.filter(payment__gateway=gateway)
    rows: dict[tuple[date, str, str], RevenueRow] = {}

    def row(period: datetime | date, currency: str, via: str) -> RevenueRow:
        day = period.date() if isinstance(period, datetime) else period
        key = (day, currency, via)
        if key not in rows:
            rows[key] = RevenueRow(currency=currency, period=day, gateway=via)
        return rows[key]

    for p in (
        payments.annotate(period=trunc("created_at"))
        .values("period", "currency", "gateway")
        .annotate(amount=Sum("amount"), count=Count("pk"))
    ):
        target = row(p["period"], p["currency"], p["gateway"])
        target.revenue, target.payments = p["amount"], p["count"]
    for r in (
        refunds.annotate(period=trunc("created_at"))
        .values("period", "payment__currency", "payment__gateway")
        .annotate(amount=Sum("amount"), count=Count("pk"))
    ):
        target = row(r["period"], r["payment__currency"], r["payment__gateway"])
        target.refunds, target.refund_count = r["amount"], r["count"]
    ordered = sorted(rows.values(), key=lambda x: (x.period, x.currency, x.gateway))
    return RevenueSummary(
        start=start,
        end=end,
        by=by,
        rows=ordered,
        totals=_totals(ordered, by_gateway=False),
        by_gateway=_totals(ordered, by_gateway=True),
    )


def revenue_periods(*, start: date, end: date, by: str) -> list[date]:
    """Every day (or first of the month) from ``start`` to ``end``, for a chart's axis."""
    if by == "month":
        months, current = [], start.replace(day=1)
        while current <= end:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _totals(rows: list[RevenueRow], *, by_gateway: bool) -> list:
    sums: dict[tuple[str, str], RevenueRow] = defaultdict(lambda: RevenueRow(currency=""))
    for r in rows:
        key = (r.currency, r.gateway if by_gateway else "")
        total = sums[key]
        total.currency, total.gateway = key
        total.revenue += r.revenue
        total.refunds += r.refunds
        total.payments += r.payments
        total.refund_count += r.refund_count
    if by_gateway:
        return [sums[k] for k in sorted(sums)]
    return [
        RevenueLine(
            currency=t.currency,
            revenue=t.revenue,
            refunds=t.refunds,
            payments=t.payments,
            refund_count=t.refund_count,
        )
        for _k, t in sorted(sums.items())
    ]
