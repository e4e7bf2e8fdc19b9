"""Site pages: the receipt and its PDFs, My purchases, staff's refund and revenue pages."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from commerce.models import Order, Refund
from commerce.services.invoices import invoice_issue
from commerce.tests.factories import OrderFactory, SubscriptionFactory, order_for
from enrollments.grants import enrollment_grant
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def bought(client):
    """A signed-in student with a paid order (granted, invoiced)."""
    student = UserFactory()
    order = OrderFactory(user=student, paid=True, number="KAL-TEST-1")
    enrollment_grant(
        user=student, course=order.items.get().course, source="paid", reference=f"order:{order.pk}"
    )
    invoice = invoice_issue(payment=order.payments.get())
    client.force_login(student)
    return order, invoice


def test_receipt_page_shows_lines_payments_and_documents(client, bought):
    order, invoice = bought
    response = client.get(reverse("billing:receipt", args=[order.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert order.number in body and invoice.number in body
    assert order.items.get().title in body
    assert reverse("billing:invoice_pdf", args=[invoice.pk]) in body
    assert "Refund…" not in body  # students do not refund


def test_receipt_of_someone_else_is_not_found(client, bought):
    order, invoice = bought
    client.force_login(UserFactory())
    assert client.get(reverse("billing:receipt", args=[order.pk])).status_code == 404
    assert client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).status_code == 404


def test_invoice_download_is_the_pdf(client, bought):
    _order, invoice = bought
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert invoice.number in PdfReader(BytesIO(data)).pages[0].extract_text()


def test_purchases_page_lists_orders_and_subscriptions(
    client, bought, django_assert_max_num_queries
):
    order, invoice = bought
    for _ in range(15):
        other = OrderFactory(user=order.user, paid=True)
        invoice_issue(payment=other.payments.get())
    SubscriptionFactory(user=order.user, plan__name="All access")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("billing:purchases"))
    body = response.content.decode()
    assert response.status_code == 200
    assert order.number in body and invoice.number in body and "All access" in body
    assert body.count(reverse("billing:receipt", args=[order.pk])) == 1


def test_purchases_page_empty_state(client):
    client.force_login(UserFactory())
    body = client.get(reverse("billing:purchases")).content.decode()
    assert "No purchases yet." in body and "No subscription." in body


def test_refund_page_refunds_with_a_reason(client, admin_user):
    order = order_for(UserFactory())
    from commerce.services.orders import order_mark_paid

    order_mark_paid(order=order, user=admin_user)
    client.force_login(admin_user)
    url = reverse("billing:refund", args=[order.pk])
    page = client.get(url)
    assert page.status_code == 200 and "1180.00" in page.content.decode()
    # no reason, too much: errors next to the fields, what was typed kept
    response = client.post(url, {"amount": "5000", "reason": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    response = client.post(url, {"amount": "5000", "reason": "Changed plans"})
    assert response.status_code == 400
    assert "Refund between 0.01 and 1180.00 INR." in response.content.decode()
    assert not Refund.objects.exists()
    response = client.post(url, {"amount": "", "reason": "Changed plans"})
    assert response.status_code == 302 and response.url == reverse(
        "billing:receipt", args=[order.pk]
    )
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert Enrollment.objects.get(user=order.user).status == Enrollment.Status.CANCELLED


def test_refund_and_revenue_pages_are_staff_only(client, bought):
    order, _invoice = bought
    assert client.get(reverse("billing:refund", args=[order.pk])).status_code == 403
    assert client.get(reverse("billing:revenue")).status_code == 403


def test_revenue_page_shows_totals_and_chart(client, admin_user, bought):
    client.force_login(admin_user)
    response = client.get(reverse("billing:revenue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1,000.00" in body and 'class="bar' in body
    bad = client.get(
        reverse("billing:revenue"), {"start": "2026-12-10", "end": "2026-12-01", "by": "day"}
    )
    assert bad.status_code == 400
    assert "The end date must be on or after the start date." in bad.content.decode()


def test_checkout_page_explains_a_real_coupon_and_a_free_one_enrolls(client):
    from datetime import timedelta

    from django.utils import timezone

    from commerce.tests.factories import CouponFactory, paid_course

    student = UserFactory()
    client.force_login(student)
    course = paid_course("1180.00")
    CouponFactory(code="OLD", valid_until=timezone.now() - timedelta(days=1))
    CouponFactory(code="GIFT", value=100, scope="course", course=course)
    url = reverse("commerce:checkout", args=[course.slug])
    expired = client.get(url, {"coupon": "OLD"})
    assert expired.context["form"].errors["coupon"] == ["This coupon has expired."]
    stacked = client.post(url, {"coupon": "OLD GIFT"})
    assert stacked.context["form"].errors["coupon"] == [
        "Only one coupon can be used per order. Enter a single code."
    ]
    assert not Order.objects.exists()
    free = client.post(url, {"coupon": "gift"})
    order = Order.objects.get()
    assert free.status_code == 302
    assert (order.status, order.gateway, order.total) == ("paid", "free", 0)
    assert Enrollment.objects.get(user=student, course=course).status == "active"
