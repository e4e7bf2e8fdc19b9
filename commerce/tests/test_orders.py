from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from commerce.models import Gateway, Order, Payment
from commerce.services import orders, pricing
from commerce.services.orders import (
    order_cancel,
    order_checkout_start,
    order_create,
    order_grant_access,
    order_mark_paid,
    payment_record,
)
from commerce.services.pricing import CouponQuote
from commerce.tests.factories import order_for, paid_course
from courses.tests.factories import CourseFactory
from enrollments.models import Enrollment
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def record(order, payment_id="pay-1", **kwargs):
    values = {"amount": order.total, "currency": order.currency, **kwargs}
    return payment_record(order=order, gateway="stripe", payment_id=payment_id, **values)


def test_order_create_prices_the_course_pending_on_the_configured_gateway(settings):
    settings.KALPLA_PRICES_INCLUDE_TAX = True
    settings.KALPLA_TAX_RATE = Decimal("18.00")
    user, course = UserFactory(), paid_course("1180.00")
    order = order_create(user=user, course=course)
    assert order.status == Order.Status.PENDING and order.gateway == Gateway.MANUAL
    assert (order.subtotal, order.tax, order.total, order.currency) == (
        Decimal("1180.00"),
        Decimal("180.00"),
        Decimal("1180.00"),
        "INR",
    )
    item = order.items.get()
    assert item.course == course and item.total == order.total and item.cohort_id is None
    assert order.number.startswith("KAL-")


@pytest.mark.parametrize(
    ("setup", "error", "code"),
    [
        ("enrolled", Conflict, "already_enrolled"),
        ("free", Conflict, "no_payment_needed"),
        ("draft", NotFound, "not_found"),
    ],
)
def test_order_create_refuses_what_cannot_be_bought(setup, error, code):
    user = UserFactory()
    if setup == "free":
        course = CourseFactory(price=Decimal("0"))
    elif setup == "draft":
        course = paid_course(status="draft")
    else:
        course = paid_course()
        EnrollmentFactory(user=user, course=course)
    with pytest.raises(error) as caught:
        order_create(user=user, course=course)
    assert caught.value.code == code
    assert not Order.objects.exists()


def test_order_create_needs_a_signed_in_user():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        order_create(user=AnonymousUser(), course=paid_course())


def test_payment_record_marks_paid_grants_and_notifies_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    order = order_for(user)
    called = []
    orders.PAYMENT_RECORDED_HOOKS.append(lambda *, payment: called.append(payment.pk))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            payment = record(order)
            again = record(order)
    finally:
        orders.PAYMENT_RECORDED_HOOKS.pop()
    assert again == payment and Payment.objects.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.paid_at is not None
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.source == "paid" and enrollment.grant_reference == f"order:{order.pk}"
    assert called == [payment.pk]  # the hooks run once, with the payment
    assert Notification.objects.filter(recipient=user, kind="commerce.order_paid").count() == 1


def test_payment_record_refuses_a_wrong_amount_or_currency():
    order = order_for(UserFactory())
    with pytest.raises(ValidationError) as caught:
        record(order, amount=order.total - 1)
    assert caught.value.code == "amount_mismatch"
    with pytest.raises(ValidationError):
        record(order, currency="USD")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and not Payment.objects.exists()
    assert not Enrollment.objects.exists()


def test_payment_record_of_a_failed_or_cancelled_order_still_pays_it():
    user = UserFactory()
    order = order_for(user)
    order_cancel(order=order, user=user)
    record(order)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Enrollment.objects.filter(user=user, status="active").exists()


def test_a_second_payment_of_a_paid_order_is_kept_without_granting_again():
    user = UserFactory()
    order = order_for(user)
    record(order, payment_id="pay-1")
    record(order, payment_id="pay-2")
    assert order.payments.count() == 2
    assert Enrollment.objects.filter(user=user).count() == 1


def test_order_create_with_a_full_discount_is_paid_without_a_gateway(monkeypatch):
    monkeypatch.setattr(
        pricing,
        "coupon_quote",
        lambda **kw: CouponQuote(coupon=None, discount=Decimal("99999")),  # type: ignore[arg-type]
    )
    user = UserFactory()
    order = order_create(user=user, course=paid_course(), coupon_code="FREE100")
    assert order.status == Order.Status.PAID and order.gateway == Gateway.FREE
    assert order.total == 0 and order.payments.get().gateway == Gateway.FREE
    assert Enrollment.objects.filter(user=user, grant_reference=f"order:{order.pk}").exists()


def test_order_mark_paid_is_for_staff_and_manual_orders():
    user, staff = UserFactory(), UserFactory(is_staff=True)
    order = order_for(user)
    with pytest.raises(PermissionDenied):
        order_mark_paid(order=order, user=user, note="I paid")
    payment = order_mark_paid(order=order, user=staff, note="Bank transfer 42")
    assert payment.recorded_by == staff and payment.note == "Bank transfer 42"
    assert payment.gateway == "manual" and payment.amount == order.total
    with pytest.raises(Conflict) as caught:
        order_mark_paid(order=order, user=staff)
    assert caught.value.code == "already_paid"
    stripe_order = order_for(UserFactory(), gateway="stripe")
    with pytest.raises(Conflict) as caught:
        order_mark_paid(order=stripe_order, user=staff)
    assert caught.value.code == "not_manual"


def test_order_grant_access_gives_the_course_with_a_note_and_no_payment():
    user, staff = UserFactory(), UserFactory(is_staff=True, name="Asha")
    order = order_for(user)
    with pytest.raises(ValidationError):
        order_grant_access(order=order, user=staff, note=" ")
    order = order_grant_access(order=order, user=staff, note="Scholarship")
    assert "Scholarship" in order.note and order.status == Order.Status.PENDING
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.source == "staff" and enrollment.grant_reference == f"order:{order.pk}"
    assert not Payment.objects.exists()


def test_order_cancel_only_by_its_buyer_and_only_unpaid():
    user = UserFactory()
    order = order_for(user)
    with pytest.raises(NotFound):
        order_cancel(order=order, user=UserFactory())
    assert order_cancel(order=order, user=user).status == Order.Status.CANCELLED
    with pytest.raises(Conflict):
        order_cancel(order=order, user=user)


def test_order_checkout_start_with_the_manual_gateway_has_no_hosted_page():
    order = order_for(UserFactory())
    session = order_checkout_start(order=order, success_url="/ok", cancel_url="/no")
    assert session.url is None and session.reference == order.number
    order.refresh_from_db()
    assert order.gateway_order_id == "" and order.status == Order.Status.PENDING
    record(order)
    with pytest.raises(Conflict):
        order_checkout_start(order=order, success_url="/ok", cancel_url="/no")
