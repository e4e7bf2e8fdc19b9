"""Billing inside payment_record: the coupon is counted and the invoice issued in the
payment's transaction; a 100% coupon enrolls without a gateway."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from commerce.models import Coupon, Gateway, Invoice, Order
from commerce.services.orders import order_create, order_mark_paid
from commerce.tests.factories import CouponFactory, order_for, paid_course
from commerce.tests.postgres import require_postgresql
from enrollments.models import Enrollment
from kalpla.exceptions import Conflict, ValidationError

pytestmark = pytest.mark.django_db


def test_payment_record_issues_the_invoice_and_counts_the_coupon(admin_user):
    coupon = CouponFactory(code="TEN", value=Decimal("10"))
    order = order_for(UserFactory(), course=paid_course("1180.00"), coupon_code="ten")
    assert (order.coupon, order.discount, order.total) == (
        coupon,
        Decimal("118.00"),
        Decimal("1062.00"),
    )
    payment = order_mark_paid(order=order, user=admin_user)
    invoice = Invoice.objects.get(payment=payment)
    assert invoice.details["totals"]["total"] == "1062.00"
    assert invoice.details["coupon"] == "TEN"
    coupon.refresh_from_db()
    assert coupon.times_used == 1


def test_hundred_percent_coupon_enrolls_without_a_gateway_or_invoice():
    coupon = CouponFactory(code="FREE", value=Decimal("100"))
    student = UserFactory()
    order = order_create(user=student, course=paid_course(), coupon_code="FREE")
    assert (order.status, order.gateway, order.total) == (
        Order.Status.PAID,
        Gateway.FREE,
        Decimal("0.00"),
    )
    assert Enrollment.objects.get(user=student).grant_reference == f"order:{order.pk}"
    assert not Invoice.objects.exists()  # nothing was paid: nothing to invoice
    coupon.refresh_from_db()
    assert coupon.times_used == 1


def test_order_create_with_an_invalid_coupon_says_why():
    CouponFactory(code="USD5", kind="fixed", value=Decimal("5"), currency="USD")
    with pytest.raises(ValidationError) as caught:
        order_create(user=UserFactory(), course=paid_course(), coupon_code="USD5")
    assert caught.value.code == "coupon_wrong_currency"
    assert caught.value.errors == {"coupon": ["This coupon is for payments in USD."]}
    assert not Order.objects.exists()


def test_coupon_limit_reached_between_quote_and_payment_of_a_free_order(monkeypatch):
    coupon = CouponFactory(code="ONE", value=Decimal("100"), max_uses=1)
    first = UserFactory()
    order_create(user=first, course=paid_course(), coupon_code="ONE")
    # a second buyer's quote was made before the first paid (the count was still 0)
    Coupon.objects.filter(pk=coupon.pk).update(times_used=0)
    with pytest.raises(Conflict) as caught:
        order_create(user=UserFactory(), course=paid_course(), coupon_code="ONE")
    assert caught.value.code == "coupon_exhausted"
    assert Order.objects.count() == 1  # the second free order rolled back


@pytest.mark.django_db(transaction=True)
def test_free_orders_racing_for_a_coupons_last_use_make_one_enrollment(settings):
    require_postgresql(settings, "concurrent orders")
    CouponFactory(code="LAST", value=Decimal("100"), max_uses=1)
    course = paid_course()
    students = [UserFactory() for _ in range(5)]

    def buy(student) -> str:
        try:
            order_create(user=student, course=course, coupon_code="LAST")
            return "ok"
        except (Conflict, ValidationError):
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = list(pool.map(buy, students))
    assert outcomes.count("ok") == 1
    assert Enrollment.objects.filter(course=course).count() == 1
    assert Coupon.objects.get(code="LAST").times_used == 1
