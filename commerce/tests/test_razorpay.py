"""Razorpay through its SDK against the local stand-in, and its signed webhooks."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from commerce.gateways import GatewayError, SignatureError, get_gateway
from commerce.models import GatewayEvent, Order, Payment
from commerce.services.orders import order_checkout_start, order_create, order_widget_options
from commerce.tests.factories import paid_course
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db
URL = "/webhooks/razorpay/"


def start(user):
    order = order_create(user=user, course=paid_course("499.00"))
    session = order_checkout_start(order=order, success_url="http://x/", cancel_url="http://x/")
    order.refresh_from_db()
    return order, session


def post(client, body, headers):
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def test_checkout_start_creates_a_razorpay_order_and_widget_options(razorpay_stand_in):
    order, session = start(UserFactory(email="buyer@example.com"))
    remote = razorpay_stand_in.orders[session.reference]
    assert remote["amount"] == 49900 and remote["receipt"] == order.number
    assert session.url is None and order.gateway_order_id == session.reference
    options = session.client_options
    assert options["key"] == "rzp_test_kalpla" and options["order_id"] == session.reference
    assert options["amount"] == 49900 and options["prefill"]["email"] == "buyer@example.com"
    assert order_widget_options(order=order)["order_id"] == session.reference


def test_wrong_keys_are_a_gateway_error(razorpay_stand_in, settings):
    settings.RAZORPAY_KEY_SECRET = "wrong"
    from kalpla.exceptions import Unavailable

    with pytest.raises(Unavailable):
        start(UserFactory())


def test_signed_payment_captured_webhook_pays_and_enrolls_once(client, razorpay_stand_in):
    user = UserFactory()
    order, _session = start(user)
    body, headers = razorpay_stand_in.signed(
        razorpay_stand_in.capture(order.gateway_order_id, deliver=False)
    )
    assert post(client, body, headers).json() == {"outcome": "applied"}
    assert post(client, body, headers).json() == {"outcome": "duplicate"}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.payments.get().amount == Decimal("499.00")
    assert Enrollment.objects.get(user=user).grant_reference == f"order:{order.pk}"


def test_order_paid_after_payment_captured_records_the_payment_once(client, razorpay_stand_in):
    order, _session = start(UserFactory())
    captured = razorpay_stand_in.capture(order.gateway_order_id, deliver=False)
    paid = razorpay_stand_in.event("order.paid", captured["payload"])
    post(client, *razorpay_stand_in.signed(captured))
    assert post(client, *razorpay_stand_in.signed(paid)).json() == {"outcome": "applied"}
    assert Payment.objects.count() == 1 and GatewayEvent.objects.count() == 2


def test_bad_signature_is_400_and_changes_nothing(client, razorpay_stand_in):
    order, _session = start(UserFactory())
    body, headers = razorpay_stand_in.signed(
        razorpay_stand_in.capture(order.gateway_order_id, deliver=False)
    )
    response = post(client, body, {**headers, "X-Razorpay-Signature": "0" * 64})
    assert response.status_code == 400 and response.json()["code"] == "bad_signature"
    assert post(client, body, {}).status_code == 400
    assert not GatewayEvent.objects.exists() and not Payment.objects.exists()


def test_failed_payment_and_unknown_events(client, razorpay_stand_in):
    order, _session = start(UserFactory())
    failed = razorpay_stand_in.event(
        "payment.failed",
        {"payment": {"entity": {"id": "pay_x", "order_id": order.gateway_order_id,
                                "amount": 49900, "currency": "INR", "status": "failed",
                                "error_description": "Payment was declined"}}},
    )  # fmt: skip
    assert post(client, *razorpay_stand_in.signed(failed)).json() == {"outcome": "applied"}
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED and "declined" in order.note
    other = razorpay_stand_in.event("virtual_account.created", {})
    assert post(client, *razorpay_stand_in.signed(other)).json() == {"outcome": "ignored"}


def test_order_status_and_refund(razorpay_stand_in):
    order, _session = start(UserFactory())
    gateway = get_gateway("razorpay")
    assert gateway.order_status(order=order) is None
    razorpay_stand_in.capture(order.gateway_order_id, deliver=False)
    remote = gateway.order_status(order=order)
    assert remote.succeeded and remote.amount == Decimal("499.00")
    refund = gateway.refund(
        payment_id=remote.payment_id, amount=Decimal("99.00"), currency="INR", reason="asked"
    )
    assert refund.succeeded and refund.amount == Decimal("99.00")
    with pytest.raises(GatewayError):
        gateway.refund(payment_id="pay_nope", amount=Decimal("1"), currency="INR", reason="")


def test_refund_processed_is_read_for_the_refunds_module(razorpay_stand_in):
    event = razorpay_stand_in.event(
        "refund.processed",
        {"refund": {"entity": {"id": "rfnd_1", "payment_id": "pay_1", "amount": 5000,
                               "currency": "INR", "status": "processed"}}},
    )  # fmt: skip
    body, headers = razorpay_stand_in.signed(event)
    parsed = get_gateway("razorpay").webhook_parse(body=body, headers=headers)
    assert parsed.kind == "refund.succeeded" and parsed.refund.amount == Decimal("50.00")
    assert parsed.event_id == headers["X-Razorpay-Event-Id"]


def test_webhook_without_a_secret_refuses(razorpay_stand_in, settings):
    settings.RAZORPAY_WEBHOOK_SECRET = ""
    with pytest.raises(SignatureError):
        get_gateway("razorpay").webhook_parse(body=b"{}", headers={"X-Razorpay-Signature": "x"})


def test_order_page_offers_the_razorpay_widget(client, razorpay_stand_in):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("commerce:checkout", args=[paid_course().slug]), {})
    order = Order.objects.get(user=user)
    assert response.url == reverse("commerce:order", args=[order.pk])
    page = client.get(response.url)
    body = page.content.decode()
    assert 'id="razorpay-pay"' in body and order.gateway_order_id in body
    assert "https://checkout.razorpay.com" in page.headers["Content-Security-Policy"]
