"""API: my orders and invoices, coupon checks, staff refunds, the revenue summary."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.services.invoices import invoice_issue
from commerce.services.orders import order_mark_paid
from commerce.tests.factories import (
    CouponFactory,
    OrderFactory,
    PlanFactory,
    order_for,
    paid_course,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def signed_in(api, user):
    api.force_authenticate(user)
    return api


def test_me_orders_lists_mine_with_money_and_documents(api, django_assert_max_num_queries):
    student = UserFactory()
    orders = [OrderFactory(user=student, paid=True) for _ in range(12)]
    for order in orders:
        invoice_issue(payment=order.payments.get())
    OrderFactory()  # someone else's
    signed_in(api, student)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/me/orders/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 12 and len(data["results"]) == 12
    first = data["results"][0]
    assert first["total"] == {"amount": "1000.00", "currency": "INR"}
    assert first["items"][0]["list_price"] == {"amount": "1000.00", "currency": "INR"}
    assert first["items"][0]["course"]["slug"]
    assert first["documents"][0]["kind"] == "invoice"
    assert first["documents"][0]["pdf_url"].startswith("http://testserver/api/v1/me/invoices/")
    assert first["receipt_url"].endswith(f"/orders/{first['id']}/receipt/")


def test_me_orders_filters_by_status_and_refuses_unknown_ones(api):
    student = UserFactory()
    OrderFactory(user=student, paid=True)
    OrderFactory(user=student)
    signed_in(api, student)
    assert api.get("/api/v1/me/orders/?status=pending").json()["count"] == 1
    bad = api.get("/api/v1/me/orders/?status=lost")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_me_orders_needs_sign_in(api):
    response = api.get("/api/v1/me/orders/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_me_invoice_pdf_is_the_buyers(api):
    order = OrderFactory(paid=True)
    invoice = invoice_issue(payment=order.payments.get())
    signed_in(api, UserFactory())
    assert api.get(f"/api/v1/me/invoices/{invoice.pk}/pdf/").status_code == 404
    signed_in(api, order.user)
    response = api.get(f"/api/v1/me/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert invoice.number in PdfReader(BytesIO(response.content)).pages[0].extract_text()


def check(api, code, kind, slug):
    return api.post(
        "/api/v1/coupons/check/", {"code": code, "kind": kind, "slug": slug}, format="json"
    )


def test_coupons_check_on_a_course_and_a_plan(api):
    course = paid_course("1180.00")
    plan = PlanFactory(price=Decimal("499.00"))
    CouponFactory(code="WELCOME10", description="10% off")
    signed_in(api, UserFactory())
    response = check(api, "welcome10", "course", course.slug)
    assert response.status_code == 200
    assert response.json() == {
        "code": "WELCOME10",
        "valid": True,
        "reason": None,
        "message": "",
        "description": "10% off",
        "list_price": {"amount": "1180.00", "currency": "INR"},
        "discount": {"amount": "118.00", "currency": "INR"},
        "price_after_discount": {"amount": "1062.00", "currency": "INR"},
    }
    response = check(api, "WELCOME10", "plan", plan.slug)
    assert response.json()["discount"] == {"amount": "49.90", "currency": "INR"}


@pytest.mark.parametrize(
    ("coupon", "code"),
    [
        ({"valid_until": timezone.now() - timedelta(days=1)}, "coupon_expired"),
        ({"max_uses": 1, "times_used": 1}, "coupon_exhausted"),
        ({"kind": "fixed", "value": Decimal("5"), "currency": "USD"}, "coupon_wrong_currency"),
    ],
)
def test_coupons_check_explains_a_refusal(api, coupon, code):
    course = paid_course("1180.00")
    CouponFactory(code="X1", **coupon)
    signed_in(api, UserFactory())
    response = check(api, "X1", "course", course.slug)
    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["reason"]) == (False, code)
    assert body["message"] and body["price_after_discount"]["amount"] == "1180.00"


def test_coupons_check_validates_input(api):
    signed_in(api, UserFactory())
    bad = api.post(
        "/api/v1/coupons/check/", {"code": "X", "kind": "cohort", "slug": "a"}, format="json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    assert check(api, "X", "course", "nope").status_code == 404
    assert check(api, "X", "plan", "nope").status_code == 404
    assert check(api, "A,B", "course", paid_course().slug).json()["reason"] == "coupon_stacking"


def test_order_refund_api_for_staff(api, admin_user):
    order = order_for(UserFactory())
    order_mark_paid(order=order, user=admin_user)
    signed_in(api, order.user)
    assert (
        api.post(f"/api/v1/orders/{order.pk}/refunds/", {"reason": "x"}, format="json").status_code
        == 403
    )
    signed_in(api, admin_user)
    url = f"/api/v1/orders/{order.pk}/refunds/"
    bad = api.post(url, {"amount": "9999.00", "reason": "x"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_amount"
    assert api.post(url, {"amount": "100.00"}, format="json").json()["errors"] == {
        "reason": ["This field is required."]
    }
    response = api.post(url, {"amount": "100.00", "reason": "Late start"}, format="json")
    assert response.status_code == 201
    assert response.json()["amount"] == {"amount": "100.00", "currency": "INR"}
    assert response.json()["order_status"] == "partially_refunded"
    response = api.post(url, {"reason": "The rest"}, format="json")
    assert response.json()["amount"]["amount"] == "1080.00"
    again = api.post(url, {"reason": "More"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_refundable"
    assert Order.objects.get(pk=order.pk).status == "refunded"


def test_revenue_api_is_staff_only_and_currency_aware(api, admin_user):
    OrderFactory(paid=True)
    OrderFactory(paid=True, currency="USD", total=Decimal("20.00"))
    signed_in(api, UserFactory())
    assert api.get("/api/v1/revenue/").status_code == 403
    signed_in(api, admin_user)
    response = api.get("/api/v1/revenue/?by=month")
    assert response.status_code == 200
    data = response.json()
    assert data["by"] == "month"
    totals = {t["currency"]: t["net"] for t in data["totals"]}
    assert totals == {
        "INR": {"amount": "1000.00", "currency": "INR"},
        "USD": {"amount": "20.00", "currency": "USD"},
    }
    assert data["rows"][0]["gateway"] == "manual"
    bad = api.get("/api/v1/revenue/?start=2026-12-10&end=2026-12-01")
    assert bad.status_code == 400 and "end" in bad.json()["errors"]
    assert api.get("/api/v1/revenue/?by=week").status_code == 400


def test_orders_api_with_coupons(api):
    course = paid_course("1180.00")
    CouponFactory(code="WELCOME10", first_purchase_only=True)
    student = UserFactory()
    signed_in(api, student)
    quote = api.get(f"/api/v1/orders/quote/?course={course.slug}&coupon=welcome10")
    assert quote.status_code == 200 and quote.json()["discount"]["amount"] == "118.00"
    bad = api.post("/api/v1/orders/", {"course": course.slug, "coupon": "NOPE"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"coupon": ["This coupon code is not valid."]}
    made = api.post(
        "/api/v1/orders/", {"course": course.slug, "coupon": "WELCOME10"}, format="json"
    )
    assert made.status_code == 201
    assert made.json()["total"] == {"amount": "1062.00", "currency": "INR"}
    assert made.json()["coupon"] == "WELCOME10"
