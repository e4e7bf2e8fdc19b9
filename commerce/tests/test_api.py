from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.tests.factories import order_for, paid_course
from enrollments.models import Enrollment
from idempotency.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def signed_in(api, user=None):
    user = user or UserFactory()
    api.force_authenticate(user)
    return user


def test_order_create_answers_the_order_with_money(api):
    signed_in(api)
    course = paid_course("1180.00", title="Data")
    response = api.post("/api/v1/orders/", {"course": course.slug}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["gateway"] == "manual"
    assert body["total"] == {"amount": "1180.00", "currency": "INR"}
    assert body["tax"] == {"amount": "180.00", "currency": "INR"}
    assert body["items"][0]["course"] == {"id": course.pk, "slug": course.slug, "title": "Data"}
    assert body["items"][0]["list_price"] == {"amount": "1180.00", "currency": "INR"}
    assert body["coupon"] is None and body["paid_at"] is None


def test_order_create_bad_input_is_a_clear_400(api):
    signed_in(api)
    response = api.post("/api/v1/orders/", {"course": 42}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"course"}
    response = api.post("/api/v1/orders/", {"course": "x", "extra": 1}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"extra"}
    assert api.post("/api/v1/orders/", {"course": "nope"}, format="json").status_code == 404


def test_order_create_refusals(api):
    user = signed_in(api)
    course = paid_course()
    Enrollment.objects.create(user=user, course=course)
    response = api.post("/api/v1/orders/", {"course": course.slug}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_enrolled"
    api.force_authenticate(None)
    assert api.post("/api/v1/orders/", {"course": course.slug}, format="json").status_code == 401


def test_order_create_honours_idempotency_key(api):
    signed_in(api)
    course = paid_course()
    first = api.post(
        "/api/v1/orders/", {"course": course.slug}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = api.post(
        "/api/v1/orders/", {"course": course.slug}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    other = api.post(
        "/api/v1/orders/", {"course": paid_course().slug}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 400 and other.json()["code"] == "idempotency_key_reused"
    # without a key each request acts
    api.post("/api/v1/orders/", {"course": course.slug}, format="json")
    assert Order.objects.count() == 2


def test_idempotency_keys_are_per_user_and_replay_errors(api):
    course = paid_course()
    user = signed_in(api)
    Enrollment.objects.create(user=user, course=course)
    refused = api.post(
        "/api/v1/orders/", {"course": course.slug}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert refused.status_code == 409
    Enrollment.objects.all().delete()
    replay = api.post(
        "/api/v1/orders/", {"course": course.slug}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert replay.status_code == 409 and replay.headers["Idempotent-Replayed"] == "true"
    signed_in(api)  # someone else, same key: their own first request
    assert (
        api.post(
            "/api/v1/orders/", {"course": course.slug}, format="json", HTTP_IDEMPOTENCY_KEY="same"
        ).status_code
        == 201
    )
    assert IdempotencyRecord.objects.count() == 2


def test_idempotency_key_in_progress_is_409(api):
    user = signed_in(api)
    course = paid_course()
    import hashlib
    import json

    data = json.dumps(["/api/v1/orders/", {"course": course.slug}], sort_keys=True)
    IdempotencyRecord.objects.create(
        user=user,
        scope="orders.create",
        key="busy",
        request_hash=hashlib.sha256(data.encode()).hexdigest(),
    )
    response = api.post(
        "/api/v1/orders/", {"course": course.slug}, format="json", HTTP_IDEMPOTENCY_KEY="busy"
    )
    assert response.status_code == 409 and response.json()["code"] == "idempotency_in_progress"


def test_my_order_is_only_mine(api):
    user = signed_in(api)
    order = order_for(user)
    assert api.get(f"/api/v1/me/orders/{order.pk}/").json()["number"] == order.number
    signed_in(api)
    assert api.get(f"/api/v1/me/orders/{order.pk}/").status_code == 404


def test_order_pay_with_stripe_returns_the_hosted_page(api, stripe_stand_in):
    user = signed_in(api)
    order = order_for(user)
    response = api.post(f"/api/v1/orders/{order.pk}/pay/", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert response.status_code == 200
    body = response.json()
    assert body["url"].startswith(stripe_stand_in.url) and body["client_options"] == {}
    assert body["order_page_url"] == f"http://testserver/orders/{order.pk}/"
    assert body["order"]["status"] == "pending"
    again = api.post(f"/api/v1/orders/{order.pk}/pay/", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert again.json()["url"] == body["url"] and len(stripe_stand_in.sessions) == 1


def test_order_pay_when_the_gateway_is_down_is_503_and_retryable(api, settings):
    settings.KALPLA_PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    user = signed_in(api)
    order = order_for(user)
    response = api.post(f"/api/v1/orders/{order.pk}/pay/", HTTP_IDEMPOTENCY_KEY="down")
    assert response.status_code == 503 and response.json()["code"] == "gateway_unavailable"
    assert not IdempotencyRecord.objects.exists()  # not stored: a retry tries again


def test_order_quote_prices_before_buying(api):
    signed_in(api)
    course = paid_course("999.00")
    response = api.get("/api/v1/orders/quote/", {"course": course.slug})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == {"amount": "999.00", "currency": "INR"}
    assert body["tax"]["amount"] == "152.39" and body["tax_name"] == "GST"
    assert api.get("/api/v1/orders/quote/").status_code == 400


def test_order_cancel_and_mark_paid(api):
    user = signed_in(api)
    order = order_for(user)
    assert api.post(f"/api/v1/orders/{order.pk}/mark-paid/").status_code == 403
    assert api.post(f"/api/v1/orders/{order.pk}/cancel/").json()["status"] == "cancelled"
    assert api.post(f"/api/v1/orders/{order.pk}/cancel/").status_code == 409
    second = order_for(user)
    signed_in(api, UserFactory(is_staff=True))
    response = api.post(
        f"/api/v1/orders/{second.pk}/mark-paid/", {"note": "NEFT 123"}, format="json"
    )
    assert response.status_code == 201 and response.json()["status"] == "paid"
    assert Enrollment.objects.filter(user=user).exists()
    assert second.payments.get().amount == Decimal(response.json()["total"]["amount"])
