"""Razorpay subscriptions through the SDK against the local stand-in: a Razorpay plan made
once, the subscription paid, charged again, failing, cancelled at cycle end."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from commerce.models import Order, Payment
from commerce.services import subscriptions as services
from commerce.services.subscription_state import subscription_has_access
from commerce.services.webhooks import webhook_receive
from commerce.testing.razorpay_subscriptions_standin import RazorpaySubscriptionStandIn
from commerce.tests.factories_subscriptions import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stand_in(settings):
    server = RazorpaySubscriptionStandIn(
        key_id="rzp_test_kalpla", key_secret="kalpla_secret", webhook_secret="rzp_whsec"
    ).start()
    settings.KALPLA_PAYMENT_GATEWAY = "razorpay"
    settings.RAZORPAY_API_BASE = server.url
    settings.RAZORPAY_KEY_ID = "rzp_test_kalpla"
    settings.RAZORPAY_KEY_SECRET = "kalpla_secret"
    settings.RAZORPAY_WEBHOOK_SECRET = "rzp_whsec"
    yield server
    server.stop()


def start(user, plan):
    return services.subscription_start(
        user=user,
        plan=plan,
        success_url="http://testserver/s/{subscription}/",
        cancel_url="http://testserver/p/",
    )


def deliver(stand_in, since=0):
    return [
        webhook_receive(gateway_name="razorpay", body=body, headers=headers)
        for body, headers in (stand_in.signed(e) for e in stand_in.events[since:])
    ]


def test_subscribe_makes_a_razorpay_plan_once_and_a_subscription(stand_in):
    plan = PlanFactory(price=Decimal("499.00"), interval="year")
    first = start(UserFactory(), plan)
    start(UserFactory(), plan)
    assert len(stand_in.plans) == 1
    plan.refresh_from_db()
    assert plan.razorpay_plan_id in stand_in.plans
    assert stand_in.plans[plan.razorpay_plan_id]["period"] == "yearly"
    remote = stand_in.subscriptions[first.checkout.reference]
    assert remote["notes"] == {"order_number": first.subscription.order.number}
    assert first.checkout.url == remote["short_url"]
    assert first.checkout.client_options["subscription_id"] == remote["id"]


def test_charges_failures_and_cancel_at_cycle_end(stand_in):
    user = UserFactory()
    started = start(user, PlanFactory())
    sub, remote_id = started.subscription, started.checkout.reference
    stand_in.charge(remote_id)
    assert set(deliver(stand_in)) == {"applied"}
    sub.refresh_from_db()
    assert (sub.status, sub.gateway_subscription_id) == ("active", remote_id)
    assert Payment.objects.get(order__user=user).amount == Decimal("499.00")
    assert Order.objects.get(pk=sub.order_id).status == Order.Status.PAID
    # the next period: a second order paid
    seen = len(stand_in.events)
    stand_in.charge(remote_id)
    deliver(stand_in, seen)
    assert Order.objects.filter(user=user, status=Order.Status.PAID).count() == 2
    # a failed charge: past due
    seen = len(stand_in.events)
    stand_in.fail(remote_id)
    deliver(stand_in, seen)
    sub.refresh_from_db()
    assert sub.status == "past_due" and subscription_has_access(subscription=sub)
    # cancelled at cycle end: Razorpay keeps it active; Kalpla keeps its flag through events
    seen = len(stand_in.events)
    stand_in.charge(remote_id)
    deliver(stand_in, seen)
    sub = services.subscription_cancel(subscription=sub, user=user)
    assert stand_in.subscriptions[remote_id]["cancel_at_cycle_end"] is True
    seen = len(stand_in.events)
    stand_in.charge(remote_id)
    deliver(stand_in, seen)
    sub.refresh_from_db()
    assert sub.status == "active" and sub.cancel_at_period_end
    from commerce.gateways import get_gateway

    assert get_gateway("razorpay").subscription_status(subscription=sub).status == "active"


def test_razorpay_plan_coupons_are_refused_clearly(stand_in, monkeypatch):
    from commerce.models import Coupon
    from commerce.services import pricing
    from kalpla.exceptions import ValidationError

    plan = PlanFactory()
    coupon = Coupon.objects.create(
        code="X", kind="percent", value=Decimal("10"), scope="plan", plan=plan
    )
    monkeypatch.setattr(
        pricing,
        "coupon_quote",
        lambda *, code, user, items: pricing.CouponQuote(coupon=coupon, discount=Decimal("49.90")),
    )
    with pytest.raises(ValidationError) as exc:
        services.subscription_start(
            user=UserFactory(),
            plan=plan,
            success_url="http://t/",
            cancel_url="http://t/",
            coupon_code="X",
        )
    assert "coupon" in exc.value.errors
