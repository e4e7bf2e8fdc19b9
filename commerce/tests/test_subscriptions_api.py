"""/api/v1/plans/ and /api/v1/me/subscriptions/: status, shape, permissions, query bounds."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from commerce.gateways import base
from commerce.models import Subscription
from commerce.services.subscriptions import subscription_mark_paid
from commerce.tests.factories import paid_course
from commerce.tests.factories_subscriptions import PlanFactory, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fake_stripe(monkeypatch):
    monkeypatch.setitem(base.GATEWAY_MODULES, "stripe", "commerce.tests.fake_subscription_gateway")


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_plans_list_is_public_with_prices_and_courses(django_assert_max_num_queries):
    for _ in range(5):
        PlanFactory(courses=[paid_course(), paid_course()], trial_days=7)
    PlanFactory(is_active=False)
    with django_assert_max_num_queries(4):
        response = client_for().get("/api/v1/plans/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    first = body["results"][0]
    assert first["price"] == {"amount": "499.00", "currency": "INR"}
    assert first["interval"] == "month" and first["trial_days"] == 7
    assert len(first["courses"]) == 2 and set(first["courses"][0]) == {"id", "slug", "title"}


def test_plan_detail_and_unknown_plan():
    plan = PlanFactory(all_courses=True)
    assert client_for().get(f"/api/v1/plans/{plan.slug}/").json()["all_courses"] is True
    response = client_for().get("/api/v1/plans/nope/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_plan_subscribe_manual_then_again_is_a_conflict():
    user = UserFactory()
    plan = PlanFactory(trial_days=14)
    response = client_for(user).post(f"/api/v1/plans/{plan.slug}/subscribe/")
    assert response.status_code == 201
    body = response.json()
    assert body["checkout"] is None
    assert body["subscription"]["status"] == "trialing" and body["subscription"]["has_access"]
    again = client_for(user).post(f"/api/v1/plans/{plan.slug}/subscribe/")
    assert again.status_code == 409 and again.json()["code"] == "already_subscribed"


def test_plan_subscribe_through_a_gateway_returns_its_checkout(settings):
    settings.KALPLA_PAYMENT_GATEWAY = "stripe"
    plan = PlanFactory()
    response = client_for(UserFactory()).post(f"/api/v1/plans/{plan.slug}/subscribe/")
    assert response.status_code == 201
    body = response.json()
    assert body["subscription"]["status"] == "incomplete"
    assert body["checkout"]["url"].startswith("https://pay.example/")


def test_plan_subscribe_needs_sign_in():
    plan = PlanFactory()
    assert client_for().post(f"/api/v1/plans/{plan.slug}/subscribe/").status_code == 401


def test_my_subscriptions_lists_only_mine(django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(4):
        subscribe(user, PlanFactory())
    subscribe(UserFactory(), PlanFactory())
    with django_assert_max_num_queries(4):
        response = client_for(user).get("/api/v1/me/subscriptions/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert body["results"][0]["plan"].keys() == {"id", "slug", "name", "interval"}


def test_my_subscription_of_someone_else_is_not_found():
    sub = subscribe(UserFactory(), PlanFactory())
    response = client_for(UserFactory()).get(f"/api/v1/me/subscriptions/{sub.pk}/")
    assert response.status_code == 404


def test_my_subscription_cancel_resume_and_portal():
    user, staff = UserFactory(), UserFactory(is_staff=True)
    sub = subscription_mark_paid(subscription=subscribe(user, PlanFactory()), by=staff)
    client = client_for(user)
    cancelled = client.post(f"/api/v1/me/subscriptions/{sub.pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["cancel_at_period_end"] is True
    resumed = client.post(f"/api/v1/me/subscriptions/{sub.pk}/resume/")
    assert resumed.status_code == 200 and resumed.json()["cancel_at_period_end"] is False
    again = client.post(f"/api/v1/me/subscriptions/{sub.pk}/resume/")
    assert again.status_code == 409 and again.json()["code"] == "not_cancelled"
    portal = client.post(f"/api/v1/me/subscriptions/{sub.pk}/portal/", {}, format="json")
    assert portal.status_code == 409 and portal.json()["code"] == "no_billing_portal"


def test_my_subscription_portal_of_a_gateway():
    user = UserFactory()
    sub = subscribe(user, PlanFactory(), gateway="stripe")
    Subscription.objects.filter(pk=sub.pk).update(gateway_customer_id="cus_1")
    response = client_for(user).post(
        f"/api/v1/me/subscriptions/{sub.pk}/portal/", {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["url"].startswith("https://billing.example/")


def test_subscription_mark_paid_is_staff_only():
    user = UserFactory()
    sub = subscribe(user, PlanFactory())
    url = f"/api/v1/subscriptions/{sub.pk}/mark-paid/"
    assert client_for(user).post(url, {}, format="json").status_code == 403
    staff = UserFactory(is_staff=True)
    response = client_for(staff).post(url, {"note": "NEFT", "reference": "UTR-1"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    bad = client_for(staff).post(url, {"note": 5}, format="json")
    assert bad.status_code == 400 and "note" in bad.json()["errors"]
    assert (
        client_for(staff)
        .post("/api/v1/subscriptions/999999/mark-paid/", {}, format="json")
        .status_code
        == 404
    )


def test_plan_subscribe_with_a_refused_coupon_is_a_400_on_the_field():
    plan = PlanFactory()
    response = client_for(UserFactory()).post(
        f"/api/v1/plans/{plan.slug}/subscribe/", {"coupon": "NOPE"}, format="json"
    )
    assert response.status_code == 400 and "coupon" in response.json()["errors"]
    unknown = client_for(UserFactory()).post(
        f"/api/v1/plans/{plan.slug}/subscribe/", {"coupons": "x"}, format="json"
    )
    assert unknown.status_code == 400 and "coupons" in unknown.json()["errors"]


def test_plan_subscribe_honours_idempotency_key(settings):
    settings.KALPLA_PAYMENT_GATEWAY = "stripe"
    user, plan = UserFactory(), PlanFactory()
    client = client_for(user)
    url = f"/api/v1/plans/{plan.slug}/subscribe/"
    first = client.post(url, {}, format="json", headers={"Idempotency-Key": "k-1"})
    again = client.post(url, {}, format="json", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = client.post(url, {"coupon": "X"}, format="json", headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 400 and other.json()["code"] == "idempotency_key_reused"
