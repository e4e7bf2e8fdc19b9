from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from commerce.models import Order, Payment
from commerce.services.orders import order_checkout_start, order_create
from commerce.services.reconcile import orders_reconcile
from commerce.services.webhooks import webhook_receive
from commerce.tasks import orders_reconcile_task
from commerce.tests.factories import paid_course
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db
LATER = timedelta(minutes=11)


def started(user=None):
    order = order_create(user=user or UserFactory(), course=paid_course())
    order_checkout_start(order=order, success_url="http://x/", cancel_url="http://x/")
    order.refresh_from_db()
    return order


def test_reconcile_settles_an_order_whose_webhook_was_lost(stripe_stand_in):
    user = UserFactory()
    order = started(user)
    stripe_stand_in.pay(order.gateway_order_id, deliver=False)
    # too early: the webhook may still come
    assert orders_reconcile().checked == 0
    report = orders_reconcile(now=timezone.now() + LATER)
    assert (report.checked, report.paid) == (1, 1)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Enrollment.objects.filter(user=user, grant_reference=f"order:{order.pk}").exists()
    # the late webhook then changes nothing
    body, headers = stripe_stand_in.signed(stripe_stand_in.events[-1])
    assert webhook_receive(gateway_name="stripe", body=body, headers=headers) == "applied"
    assert Payment.objects.count() == 1
    # and a paid order is not asked about again
    assert orders_reconcile(now=timezone.now() + LATER).checked == 0


def test_reconcile_leaves_open_checkouts_and_fails_expired_ones(stripe_stand_in):
    open_order, expired = started(), started()
    stripe_stand_in.sessions[expired.gateway_order_id]["status"] = "expired"
    report = orders_reconcile(now=timezone.now() + LATER)
    assert (report.checked, report.paid, report.failed) == (2, 0, 1)
    open_order.refresh_from_db()
    expired.refresh_from_db()
    assert open_order.status == Order.Status.PENDING and expired.status == Order.Status.FAILED


def test_reconcile_counts_gateway_errors_and_goes_on(stripe_stand_in, settings):
    started()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    report = orders_reconcile(now=timezone.now() + LATER)
    assert (report.checked, report.errors) == (1, 1)


def test_reconcile_with_razorpay(razorpay_stand_in):
    order = started()
    razorpay_stand_in.capture(order.gateway_order_id, deliver=False)
    assert orders_reconcile(now=timezone.now() + LATER).paid == 1


def test_reconcile_ignores_manual_orders(settings):
    user = UserFactory()
    order_create(user=user, course=paid_course())
    assert orders_reconcile_task() == {"checked": 0, "paid": 0, "failed": 0}
