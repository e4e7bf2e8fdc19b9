"""Coupons: every way a code can fail to apply, the discounts it gives, and counting uses."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from commerce.models import Coupon, Order
from commerce.services.coupons import QuoteItem, coupon_quote, coupon_redeem
from commerce.tests.factories import CouponFactory, OrderFactory, PlanFactory
from commerce.tests.postgres import require_postgresql
from courses.tests.factories import CourseFactory
from kalpla.exceptions import Conflict, ValidationError

pytestmark = pytest.mark.django_db


def course_item(course, price="1000.00"):
    return QuoteItem(kind="course", course_id=course.pk, list_price=Decimal(price), currency="INR")


def refused(code: str, user, items, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        coupon_quote(code=code, user=user, items=items, **kwargs)
    assert caught.value.errors["coupon"] == [caught.value.message]
    return caught.value


@pytest.fixture
def course():
    return CourseFactory(price=Decimal("1000.00"))


def test_coupon_quote_percentage_takes_its_share(student, course):
    CouponFactory(code="SAVE10", value=Decimal("10"))
    quote = coupon_quote(code=" save10 ", user=student, items=[course_item(course, "999.99")])
    assert quote.item_discounts == (Decimal("100.00"),)
    assert quote.discount == Decimal("100.00")
    assert quote.currency == "INR"


def test_coupon_quote_hundred_percent_makes_it_free(student, course):
    CouponFactory(code="FREE", value=Decimal("100"))
    quote = coupon_quote(code="FREE", user=student, items=[course_item(course)])
    assert quote.discount == Decimal("1000.00")


def test_coupon_quote_unknown_or_inactive(student, course):
    assert refused("NOPE", student, [course_item(course)]).code == "coupon_invalid"
    CouponFactory(code="OFF", is_active=False)
    assert refused("OFF", student, [course_item(course)]).code == "coupon_invalid"
    assert refused("  ", student, [course_item(course)]).code == "coupon_required"


def test_coupon_quote_expired(student, course):
    CouponFactory(code="OLD", valid_until=timezone.now() - timedelta(minutes=1))
    error = refused("OLD", student, [course_item(course)])
    assert error.code == "coupon_expired"
    assert error.message == "This coupon has expired."


def test_coupon_quote_not_yet_valid(student, course):
    CouponFactory(code="SOON", valid_from=timezone.now() + timedelta(days=1))
    assert refused("SOON", student, [course_item(course)]).code == "coupon_not_yet_valid"
    # inside its window it applies
    later = timezone.now() + timedelta(days=2)
    assert coupon_quote(code="SOON", user=student, items=[course_item(course)], now=later)


def test_coupon_quote_exhausted_overall(student, course):
    CouponFactory(code="FEW", max_uses=2, times_used=2)
    assert refused("FEW", student, [course_item(course)]).code == "coupon_exhausted"


def test_coupon_quote_per_user_limit(student, course):
    coupon = CouponFactory(code="ONCE", max_uses_per_user=1)
    OrderFactory(user=student, coupon=coupon, paid=True)
    assert refused("ONCE", student, [course_item(course)]).code == "coupon_used_by_you"
    # another person may still use it, and an unpaid order does not count
    other = UserFactory()
    OrderFactory(user=other, coupon=coupon)
    assert coupon_quote(code="ONCE", user=other, items=[course_item(course)]).discount


def test_coupon_quote_does_not_count_the_order_being_priced(student, course):
    coupon = CouponFactory(code="ONCE", max_uses_per_user=1)
    order = OrderFactory(user=student, coupon=coupon, paid=True)
    quote = coupon_quote(code="ONCE", user=student, items=[course_item(course)], order=order)
    assert quote.discount == Decimal("100.00")


def test_coupon_quote_first_purchase_only(student, course):
    CouponFactory(code="WELCOME", first_purchase_only=True)
    assert coupon_quote(code="WELCOME", user=student, items=[course_item(course)])
    OrderFactory(user=student, paid=True)
    assert refused("WELCOME", student, [course_item(course)]).code == "coupon_first_purchase"


def test_coupon_quote_wrong_scope(student, course):
    other_course = CourseFactory(price=Decimal("500"))
    plan = PlanFactory()
    CouponFactory(code="OTHER", scope="course", course=other_course)
    CouponFactory(code="PLANONLY", scope="plan", plan=plan)
    assert refused("OTHER", student, [course_item(course)]).code == "coupon_not_applicable"
    assert refused("PLANONLY", student, [course_item(course)]).code == "coupon_not_applicable"
    plan_item = QuoteItem(kind="plan", plan_id=plan.pk, list_price=plan.price, currency="INR")
    assert coupon_quote(code="PLANONLY", user=student, items=[plan_item]).discount == Decimal(
        "49.90"
    )


def test_coupon_quote_course_scope_discounts_only_its_course(student, course):
    other = CourseFactory(price=Decimal("500"))
    CouponFactory(code="THIS", scope="course", course=course, value=Decimal("50"))
    quote = coupon_quote(
        code="THIS", user=student, items=[course_item(other, "500"), course_item(course)]
    )
    assert quote.item_discounts == (Decimal("0.00"), Decimal("500.00"))


def test_coupon_quote_fixed_amount_in_another_currency(student, course):
    CouponFactory(code="USD5", kind="fixed", value=Decimal("5"), currency="USD")
    error = refused("USD5", student, [course_item(course)])
    assert error.code == "coupon_wrong_currency"
    assert "USD" in error.message


def test_coupon_quote_fixed_amount_shared_and_capped(student, course):
    CouponFactory(code="OFF100", kind="fixed", value=Decimal("100"), currency="INR")
    items = [course_item(course, "100.00"), course_item(CourseFactory(), "200.00")]
    quote = coupon_quote(code="off100", user=student, items=items)
    assert quote.item_discounts == (Decimal("33.33"), Decimal("66.67"))
    CouponFactory(code="BIG", kind="fixed", value=Decimal("5000"), currency="INR")
    assert coupon_quote(code="BIG", user=student, items=items).discount == Decimal("300.00")


def test_coupon_quote_stacking_refused(student, course):
    CouponFactory(code="A10")
    CouponFactory(code="B10")
    for code in ("A10,B10", "A10 B10", "A10+B10"):
        assert refused(code, student, [course_item(course)]).code == "coupon_stacking"


def test_coupon_quote_needs_a_signed_in_buyer(course):
    from django.contrib.auth.models import AnonymousUser

    CouponFactory(code="ANY")
    assert refused("ANY", AnonymousUser(), [course_item(course)]).code == "coupon_sign_in"


def test_coupon_quote_uses_the_course_currency_of_order_items(student):
    course = CourseFactory(price=Decimal("20"), currency="USD")
    order = OrderFactory(user=student, currency="USD", subtotal=Decimal("20"), items__course=course)
    CouponFactory(code="USD5", kind="fixed", value=Decimal("5"), currency="USD")
    quote = coupon_quote(code="USD5", user=student, items=list(order.items.all()))
    assert (quote.currency, quote.discount) == ("USD", Decimal("5.00"))


def test_coupon_redeem_counts_paid_orders_once(student):
    coupon = CouponFactory(code="COUNT")
    order = OrderFactory(user=student, coupon=coupon, paid=True)
    coupon_redeem(coupon=coupon, order=order)
    coupon_redeem(coupon=coupon, order=order)  # a replayed payment
    coupon.refresh_from_db()
    assert coupon.times_used == 1


def test_coupon_redeem_past_the_limit(student):
    coupon = CouponFactory(code="LAST", max_uses=1)
    first = OrderFactory(coupon=coupon, paid=True)
    coupon_redeem(coupon=coupon, order=first)
    late = OrderFactory(user=student, coupon=coupon, paid=True)
    # nothing collected: refused, the caller's transaction rolls back
    with pytest.raises(Conflict) as caught:
        coupon_redeem(coupon=coupon, order=late, strict=True)
    assert caught.value.code == "coupon_exhausted"
    # money collected: recorded anyway
    coupon_redeem(coupon=coupon, order=late)
    assert Coupon.objects.get(pk=coupon.pk).times_used == 2


@pytest.mark.django_db(transaction=True)
def test_coupon_redeem_concurrent_last_use_goes_to_one_order(settings):
    require_postgresql(settings, "concurrent redemptions")
    coupon = CouponFactory(code="RACE", max_uses=1, value=Decimal("100"))
    orders = [OrderFactory(coupon=coupon) for _ in range(6)]

    def one(order: Order) -> str:
        # as payment_record does: the order is marked paid, then the coupon redeemed, in
        # one transaction
        try:
            with transaction.atomic():
                Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)
                coupon_redeem(coupon=coupon, order=order, strict=True)
            return "ok"
        except Conflict:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(one, orders))
    assert sorted(outcomes) == ["ok"] + ["refused"] * 5
    assert Coupon.objects.get(pk=coupon.pk).times_used == 1
    assert Order.objects.filter(coupon=coupon, status="paid").count() == 1
