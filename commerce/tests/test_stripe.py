"""Stripe through its SDK against the local stand-in, and its signed webhooks end to end."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from commerce.gateways import GatewayError, SignatureError, get_gateway
from commerce.gateways.stripe_gateway import from_minor, to_minor
from commerce.models import GatewayEvent, Order, Payment
from commerce.services.orders import order_checkout_start, order_create
from commerce.services.webhooks import webhook_receive
from commerce.testing.stripe_standin import stripe_signature
from commerce.tests.factories import paid_course
from enrollments.models import Enrollment

URL = "/webhooks/stripe/"


def start(user, course=None):
    order = order_create(user=user, course=course or paid_course("1180.00"))
    session = order_checkout_start(
        order=order, success_url="http://testserver/ok", cancel_url="http://testserver/no"
    )
    order.refresh_from_db()
    return order, session


def completed(stand_in, order):
    stand_in.pay(order.gateway_order_id, deliver=False)
    return stand_in.signed(stand_in.events[-1])


def test_minor_units_follow_the_currency():
    assert to_minor(Decimal("1180.50"), "INR") == 118050
    assert to_minor(Decimal("500"), "JPY") == 500
    assert from_minor(118050, "inr") == Decimal("1180.50")
    assert from_minor(None, "USD") == Decimal("0.00")


@pytest.mark.django_db
def test_checkout_start_creates_a_stripe_session_for_the_order(stripe_stand_in):
    order, session = start(UserFactory(email="buyer@example.com"))
    assert order.gateway == "stripe" and session.url.startswith(stripe_stand_in.url)
    stored = stripe_stand_in.sessions[session.reference]
    assert stored["amount_total"] == 118000 and stored["currency"] == "inr"
    assert stored["client_reference_id"] == order.number
    assert stored["customer_email"] == "buyer@example.com"
    assert order.gateway_order_id == session.reference and order.checkout_url == session.url


@pytest.mark.django_db
def test_checkout_start_with_a_wrong_key_is_unavailable(stripe_stand_in, settings):
    settings.STRIPE_SECRET_KEY = "sk_wrong"
    order = order_create(user=UserFactory(), course=paid_course())
    from kalpla.exceptions import Unavailable

    with pytest.raises(Unavailable) as caught:
        order_checkout_start(order=order, success_url="http://x/", cancel_url="http://x/")
    assert caught.value.code == "gateway_unavailable"


@pytest.mark.django_db
def test_signed_checkout_completed_webhook_pays_and_enrolls(client, stripe_stand_in):
    user = UserFactory()
    order, _session = start(user)
    body, headers = completed(stripe_stand_in, order)
    response = client.post(
        URL,
        body,
        content_type="application/json",
        headers={"Stripe-Signature": headers["Stripe-Signature"]},
    )
    assert response.status_code == 200 and response.json() == {"outcome": "applied"}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    payment = order.payments.get()
    assert payment.gateway_payment_id.startswith("pi_") and payment.amount == Decimal("1180.00")
    assert Enrollment.objects.get(user=user).grant_reference == f"order:{order.pk}"
    # a replay is acknowledged and changes nothing
    again = client.post(
        URL,
        body,
        content_type="application/json",
        headers={"Stripe-Signature": headers["Stripe-Signature"]},
    )
    assert again.json() == {"outcome": "duplicate"} and Payment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("signature", ["", "t=1,v1=deadbeef", "tampered", "stale"])
def test_bad_signature_is_400_and_changes_nothing(client, stripe_stand_in, signature):
    order, _session = start(UserFactory())
    body, headers = completed(stripe_stand_in, order)
    if signature == "tampered":
        body = body.replace(b'"paid"', b'"PAID"')
        signature = headers["Stripe-Signature"]
    elif signature == "stale":
        signature = stripe_signature(body, "whsec_test_kalpla", timestamp=int(time.time()) - 3600)
    response = client.post(
        URL, body, content_type="application/json", headers={"Stripe-Signature": signature}
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_signature"
    assert not GatewayEvent.objects.exists() and not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


@pytest.mark.django_db
def test_unknown_event_types_are_acknowledged_and_ignored(client, stripe_stand_in):
    event = stripe_stand_in.event("customer.created", {"id": "cus_1", "object": "customer"})
    body, headers = stripe_stand_in.signed(event)
    response = client.post(
        URL,
        body,
        content_type="application/json",
        headers={"Stripe-Signature": headers["Stripe-Signature"]},
    )
    assert response.json() == {"outcome": "ignored"}
    assert GatewayEvent.objects.get().type == "customer.created"


@pytest.mark.django_db
def test_expired_session_marks_the_order_failed(stripe_stand_in):
    order, session = start(UserFactory())
    obj = {**stripe_stand_in.sessions[session.reference], "status": "expired"}
    body, headers = stripe_stand_in.signed(stripe_stand_in.event("checkout.session.expired", obj))
    assert webhook_receive(gateway_name="stripe", body=body, headers=headers) == "applied"
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED


@pytest.mark.django_db
def test_order_status_and_refund_through_the_sdk(stripe_stand_in):
    order, _session = start(UserFactory())
    gateway = get_gateway("stripe")
    assert gateway.order_status(order=order) is None  # still open
    stripe_stand_in.pay(order.gateway_order_id, deliver=False)
    remote = gateway.order_status(order=order)
    assert remote.succeeded and remote.amount == order.total and remote.currency == "INR"
    refund = gateway.refund(
        payment_id=remote.payment_id, amount=Decimal("100.00"), currency="INR", reason="asked"
    )
    assert refund.succeeded and refund.amount == Decimal("100.00")
    assert refund.refund_id in stripe_stand_in.refunds
    with pytest.raises(GatewayError):
        gateway.refund(payment_id="pi_nope", amount=Decimal("1"), currency="INR", reason="")


@pytest.mark.django_db
def test_refund_events_are_read_for_the_refunds_module(stripe_stand_in):
    refund = {"id": "re_1", "object": "refund", "amount": 5000, "currency": "inr",
              "payment_intent": "pi_1", "status": "succeeded"}  # fmt: skip
    body, headers = stripe_stand_in.signed(stripe_stand_in.event("refund.updated", refund))
    event = get_gateway("stripe").webhook_parse(body=body, headers=headers)
    assert event.kind == "refund.succeeded" and event.refund.amount == Decimal("50.00")
    assert event.refund.payment_id == "pi_1" and event.created_at is not None


@pytest.mark.django_db
def test_webhook_parse_without_an_endpoint_secret_refuses(stripe_stand_in, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = json.dumps({"id": "evt_1", "type": "x"}).encode()
    with pytest.raises(SignatureError):
        get_gateway("stripe").webhook_parse(
            body=body, headers={"Stripe-Signature": stripe_signature(body, "")}
        )


@pytest.mark.django_db(transaction=True)
def test_one_webhook_replayed_10_times_concurrently_pays_and_enrolls_once(
    stripe_stand_in, settings
):
    if connection.vendor != "postgresql":
        if settings.CI:
            pytest.fail("CI=true but no PostgreSQL: concurrent webhooks cannot be tested")
        pytest.skip("needs PostgreSQL for concurrent writers (always present with CI=true)")
    user = UserFactory()
    order, _session = start(user)
    body, headers = completed(stripe_stand_in, order)

    def deliver(_n: int) -> str:
        try:
            return webhook_receive(gateway_name="stripe", body=body, headers=headers)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(deliver, range(10)))
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 9
    assert Payment.objects.filter(order=order).count() == 1
    assert (
        Enrollment.objects.filter(
            user=user, course__in=[i.course for i in order.items.all()]
        ).count()
        == 1
    )
    assert GatewayEvent.objects.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
