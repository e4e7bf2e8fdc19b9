"""Stripe subscriptions through the SDK against the local stand-in: Checkout in subscription
mode, signed subscription and invoice events (in any order), renewals, failures, cancel and
resume, the Billing Portal, a coupon off the first invoice."""

import random
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from commerce.models import Order, Payment, Subscription
from commerce.services import subscriptions as services
from commerce.services.subscription_state import subscription_has_access
from commerce.services.webhooks import webhook_receive
from commerce.testing.stripe_subscriptions_standin import StripeSubscriptionStandIn
from commerce.tests.factories_subscriptions import PlanFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def stand_in(settings):
    """Stripe's API on loopback, configured as the site's gateway (webhooks not sent)."""
    server = StripeSubscriptionStandIn(
        api_key="sk_test_kalpla", webhook_secret="whsec_test_kalpla"
    ).start()
    settings.KALPLA_PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_SECRET_KEY = "sk_test_kalpla"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_kalpla"
    yield server
    server.stop()


def start(user, plan, coupon_code=""):
    return services.subscription_start(
        user=user,
        plan=plan,
        success_url="http://testserver/account/subscriptions/{subscription}/",
        cancel_url="http://testserver/plans/",
        coupon_code=coupon_code,
    )


def deliver(stand_in, events):
    return [
        webhook_receive(gateway_name="stripe", body=body, headers=headers)
        for body, headers in (stand_in.signed(e) for e in events)
    ]


def paid(stand_in, sub, *, shuffle=False):
    """The subscriber pays on Stripe's page; its events reach the webhook."""
    sub.order.refresh_from_db()
    before = len(stand_in.events)
    stand_in.pay(sub.order.gateway_order_id, deliver=False)
    events = stand_in.events[before:]
    if shuffle:
        random.Random(7).shuffle(events)
    return deliver(stand_in, events)


def test_subscribe_opens_a_subscription_mode_checkout(stand_in):
    plan = PlanFactory(price=Decimal("499.00"), interval="year", trial_days=7)
    started = start(UserFactory(email="s@example.com"), plan)
    session = stand_in.sessions[started.checkout.reference]
    assert session["mode"] == "subscription" and session["interval"] == "year"
    assert session["recurring_amount"] == 49900 and session["trial_days"] == 7
    assert session["subscription_metadata"] == {"order_number": started.subscription.order.number}
    assert started.checkout.url.startswith(stand_in.url)


def test_paying_makes_the_subscription_active_with_the_first_payment_once(stand_in):
    user = UserFactory()
    sub = start(user, PlanFactory()).subscription
    outcomes = paid(stand_in, sub, shuffle=True)
    assert "applied" in outcomes
    sub.refresh_from_db()
    assert sub.status == "active" and sub.gateway_subscription_id.startswith("sub_")
    assert sub.gateway_customer_id.startswith("cus_") and subscription_has_access(subscription=sub)
    assert Order.objects.get(pk=sub.order_id).status == Order.Status.PAID
    assert Payment.objects.filter(order__user=user).count() == 1
    # a replay of every event changes nothing
    assert set(deliver(stand_in, stand_in.events)) == {"duplicate"}
    assert Payment.objects.filter(order__user=user).count() == 1


def test_a_trial_starts_trialing_without_a_payment(stand_in):
    sub = start(UserFactory(), PlanFactory(trial_days=14)).subscription
    paid(stand_in, sub)
    sub.refresh_from_db()
    assert sub.status == "trialing" and sub.trial_ends_at is not None
    assert not Payment.objects.exists()


def test_renewal_failure_and_end_follow_the_gateway(stand_in):
    user = UserFactory()
    sub = start(user, PlanFactory()).subscription
    paid(stand_in, sub)
    sub.refresh_from_db()
    first_end = sub.current_period_end
    # renewed: a second order paid, the period moves on
    before = len(stand_in.events)
    stand_in.renew(sub.gateway_subscription_id)
    deliver(stand_in, stand_in.events[before:])
    sub.refresh_from_db()
    assert sub.current_period_start == first_end and sub.current_period_end > first_end
    assert Order.objects.filter(user=user, status=Order.Status.PAID).count() == 2
    # the next charge fails: past due, the subscriber is told
    before = len(stand_in.events)
    stand_in.fail_renewal(sub.gateway_subscription_id)
    deliver(stand_in, stand_in.events[before:])
    sub.refresh_from_db()
    assert sub.status == "past_due"
    assert Notification.objects.filter(
        recipient=user, kind="commerce.subscription_payment_failed"
    ).exists()
    # Stripe gives up: cancelled, access closed
    before = len(stand_in.events)
    stand_in.end(sub.gateway_subscription_id)
    deliver(stand_in, stand_in.events[before:])
    sub.refresh_from_db()
    assert sub.status == "cancelled" and not subscription_has_access(subscription=sub)


def test_cancel_resume_status_and_portal_go_through_stripe(stand_in):
    user = UserFactory()
    sub = start(user, PlanFactory()).subscription
    paid(stand_in, sub)
    sub.refresh_from_db()
    remote = stand_in.subscriptions[sub.gateway_subscription_id]
    services.subscription_cancel(subscription=sub, user=user)
    assert remote["cancel_at_period_end"] is True
    services.subscription_resume(subscription=sub, user=user)
    assert remote["cancel_at_period_end"] is False
    url = services.subscription_portal_url(
        subscription=sub, user=user, return_url="http://testserver/back"
    )
    assert url.startswith(f"{stand_in.url}/billing/")
    assert stand_in.portal_sessions[-1]["return_url"] == "http://testserver/back"
    from commerce.gateways import get_gateway

    assert get_gateway("stripe").subscription_status(subscription=sub).status == "active"


def test_a_plan_coupon_comes_off_the_first_invoice_only(stand_in, monkeypatch):
    from commerce.models import Coupon
    from commerce.services import pricing

    plan = PlanFactory(price=Decimal("499.00"))
    coupon = Coupon.objects.create(
        code="HALF", kind="percent", value=Decimal("50"), scope="plan", plan=plan
    )
    monkeypatch.setattr(
        pricing,
        "coupon_quote",
        lambda *, code, user, items: pricing.CouponQuote(coupon=coupon, discount=Decimal("249.50")),
    )
    user = UserFactory()
    started = start(user, plan, coupon_code="HALF")
    session = stand_in.sessions[started.checkout.reference]
    assert session["recurring_amount"] == 49900 and session["amount_total"] == 24950
    paid(stand_in, started.subscription)
    assert Payment.objects.get(order__user=user).amount == Decimal("249.50")


def test_subscription_webhook_with_a_bad_signature_changes_nothing(stand_in):
    from commerce.gateways import SignatureError

    sub = start(UserFactory(), PlanFactory()).subscription
    sub.order.refresh_from_db()
    stand_in.pay(sub.order.gateway_order_id, deliver=False)
    body, _headers = stand_in.signed(stand_in.events[-1])
    with pytest.raises(SignatureError):
        webhook_receive(
            gateway_name="stripe", body=body, headers={"Stripe-Signature": "t=1,v1=bad"}
        )
    sub.refresh_from_db()
    assert sub.status == "incomplete" and not Subscription.objects.exclude(status="incomplete")


def test_reconciliation_leaves_plan_orders_to_their_subscription(stand_in):
    from datetime import timedelta

    from django.utils import timezone

    from commerce.services.reconcile import orders_reconcile

    sub = start(UserFactory(), PlanFactory()).subscription
    sub.order.refresh_from_db()
    stand_in.pay(sub.order.gateway_order_id, deliver=False)
    orders_reconcile(now=timezone.now() + timedelta(days=1))
    assert not Payment.objects.exists()
