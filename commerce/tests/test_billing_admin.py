"""Admin: every commerce model's list and form open, totals follow the filters, coupons are
checked, and orders are refunded by the action."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.tests.factories import UserFactory
from commerce.models import Coupon, Order, Refund
from commerce.services.invoices import invoice_issue
from commerce.services.orders import order_mark_paid
from commerce.tests.factories import (
    CouponFactory,
    OrderFactory,
    PlanFactory,
    RefundFactory,
    SubscriptionFactory,
    order_for,
)

pytestmark = pytest.mark.django_db

MODELS = (
    "plan",
    "coupon",
    "order",
    "payment",
    "refund",
    "subscription",
    "invoice",
    "gatewayevent",
    "invoicecounter",
)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_commerce_admin_list_opens_with_rows_and_search(staff_client):
    order = OrderFactory(paid=True)
    invoice_issue(payment=order.payments.get())
    RefundFactory(payment=order.payments.get(), amount=Decimal("10.00"))
    SubscriptionFactory()
    CouponFactory()
    PlanFactory()
    for model in MODELS:
        url = reverse(f"admin:commerce_{model}_changelist")
        assert staff_client.get(url).status_code == 200, model
        assert staff_client.get(url, {"q": "x"}).status_code == 200, model
    detail = staff_client.get(reverse("admin:commerce_order_change", args=[order.pk]))
    assert detail.status_code == 200
    assert reverse("billing:refund", args=[order.pk]) in detail.content.decode()


def test_order_changelist_totals_follow_the_filters(staff_client):
    OrderFactory(paid=True, total=Decimal("100.00"), subtotal=Decimal("100.00"))
    OrderFactory(paid=True, total=Decimal("250.50"), subtotal=Decimal("250.50"))
    OrderFactory(total=Decimal("999.00"))  # pending
    OrderFactory(paid=True, currency="USD", total=Decimal("20.00"), subtotal=Decimal("20.00"))
    url = reverse("admin:commerce_order_changelist")
    paid = staff_client.get(url, {"status__exact": "paid"})
    totals = {row["currency"]: row for row in paid.context["totals"]}
    assert totals["INR"]["count"] == 2 and totals["INR"]["values"][-1] == Decimal("350.50")
    assert totals["USD"]["values"][-1] == Decimal("20.00")
    assert "Totals of the rows shown by the filters" in paid.content.decode()
    everything = staff_client.get(url)
    inr = {row["currency"]: row for row in everything.context["totals"]}["INR"]
    assert inr["count"] == 3 and inr["values"][-1] == Decimal("1349.50")


def test_coupon_admin_checks_fixed_amounts_and_window(staff_client):
    url = reverse("admin:commerce_coupon_add")
    data = {
        "code": " summer ",
        "kind": "fixed",
        "value": "100",
        "currency": "",
        "scope": "global",
        "valid_from_0": "2026-06-01",
        "valid_from_1": "00:00",
        "valid_until_0": "2026-05-01",
        "valid_until_1": "00:00",
        "is_active": "on",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "currency" in errors and "valid_until" in errors
    data.update(currency="inr", valid_until_0="2026-09-01")
    response = staff_client.post(url, data)
    assert response.status_code == 302
    coupon = Coupon.objects.get()
    assert (coupon.code, coupon.currency) == ("SUMMER", "INR")


def test_order_refund_action_refunds_each_in_full_with_a_reason(staff_client, admin_user):
    orders = [order_for(UserFactory()) for _ in range(2)]
    for order in orders:
        order_mark_paid(order=order, user=admin_user)
    pending = order_for(UserFactory())
    url = reverse("admin:commerce_order_changelist")
    chosen = [str(o.pk) for o in [*orders, pending]]
    # first the confirmation page asking for the reason
    page = staff_client.post(url, {"action": "refund_in_full", ACTION_CHECKBOX_NAME: chosen})
    assert page.status_code == 200 and "Refund orders in full" in page.content.decode()
    assert not Refund.objects.exists()
    response = staff_client.post(
        url,
        {
            "action": "refund_in_full",
            ACTION_CHECKBOX_NAME: chosen,
            "apply": "1",
            "reason": "Course cancelled",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "2 order(s) refunded." in body
    assert f"{pending.number}: This order has nothing left to refund." in body
    assert set(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)
    ) == {"refunded"}
    assert set(Refund.objects.values_list("reason", flat=True)) == {"Course cancelled"}


def test_order_refund_action_for_one_order_opens_the_refund_page(staff_client, admin_user):
    order = order_for(UserFactory())
    order_mark_paid(order=order, user=admin_user)
    response = staff_client.post(
        reverse("admin:commerce_order_changelist"),
        {"action": "refund_in_full", ACTION_CHECKBOX_NAME: [str(order.pk)]},
    )
    assert response.status_code == 302
    assert response.url == reverse("billing:refund", args=[order.pk])
