"""Demo coupons, purchases, invoices and a refund (seed_demo), so that "My purchases", the
receipts, the admin's order totals and the revenue page have something to show.

- coupons: WELCOME10 (10% off a first purchase), TYPE500 (INR 500 off Advanced typography,
  50 uses), FREEML (100% off Machine learning foundations, 3 uses) and SUMMER25 (expired);
- the demo student bought Advanced typography with WELCOME10 (paid offline, marked paid by
  the demo admin: an invoice and its PDF);
- demo learners bought the paid courses over the last weeks; one was refunded in full.

Idempotent: a rerun finds the orders the first run made (by buyer and course).
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from commerce.models import Coupon, Order, Payment, Refund
from commerce.services.orders import order_create, order_mark_paid
from commerce.services.refunds import refund_create
from courses.models import Course

TYPOGRAPHY = "advanced-typography"
ML = "machine-learning-foundations"
ADMIN_EMAIL = "admin@example.com"


def _coupons(courses: dict[str, Course]) -> None:
    now = timezone.now()
    specs: list[tuple[str, dict[str, Any]]] = [
        (
            "WELCOME10",
            {
                "description": "10% off your first course",
                "value": Decimal("10"),
                "first_purchase_only": True,
            },
        ),
        (
            "SUMMER25",
            {
                "description": "Summer sale (over)",
                "value": Decimal("25"),
                "valid_until": now - timedelta(days=60),
            },
        ),
    ]
    if TYPOGRAPHY in courses:
        specs.append(
            (
                "TYPE500",
                {
                    "description": "INR 500 off Advanced typography",
                    "kind": "fixed",
                    "value": Decimal("500"),
                    "currency": "INR",
                    "scope": "course",
                    "course": courses[TYPOGRAPHY],
                    "max_uses": 50,
                },
            )
        )
    if ML in courses:
        specs.append(
            (
                "FREEML",
                {
                    "description": "Scholarship: Machine learning foundations for free",
                    "value": Decimal("100"),
                    "scope": "course",
                    "course": courses[ML],
                    "max_uses": 3,
                    "max_uses_per_user": 1,
                },
            )
        )
    for code, values in specs:
        Coupon.objects.update_or_create(code=code, defaults=values)


def _buy(
    buyer: User, course: Course, staff: User, *, coupon: str = "", days_ago: int = 0
) -> Order | None:
    existing = Order.objects.filter(user=buyer, items__course=course).first()
    if existing is not None:
        return existing
    order = order_create(user=buyer, course=course, coupon_code=coupon, gateway="manual")
    payment = order_mark_paid(order=order, user=staff, note="Demo: paid by bank transfer")
    when = timezone.now() - timedelta(days=days_ago, hours=days_ago % 7)
    Payment.objects.filter(pk=payment.pk).update(created_at=when)
    Order.objects.filter(pk=order.pk).update(created_at=when, paid_at=when)
    return order


def seed_billing(*, courses: dict[str, Course], student: User | None, learners: list[User]) -> int:
    """The demo coupons and purchases; returns how many orders are paid."""
    staff = User.objects.filter(email=ADMIN_EMAIL).first()
    _coupons(courses)
    paid = [c for c in (courses.get(TYPOGRAPHY), courses.get(ML)) if c is not None]
    if staff is None or not paid:
        return 0
    if student is not None and TYPOGRAPHY in courses:
        _buy(student, courses[TYPOGRAPHY], staff, coupon="WELCOME10", days_ago=3)
    for n, learner in enumerate(learners):
        course = paid[n % len(paid)]
        _buy(learner, course, staff, coupon="WELCOME10" if n % 3 == 0 else "", days_ago=2 + 4 * n)
    refunded = learners[1:2]
    for learner in refunded:
        order = Order.objects.filter(user=learner, status=Order.Status.PAID).first()
        if order is not None and not Refund.objects.filter(payment__order=order).exists():
            refund_create(
                user=staff, order=order, reason="Demo: bought by mistake, asked within a week"
            )
    return Order.objects.filter(status__in=(Order.Status.PAID, Order.Status.REFUNDED)).count()
