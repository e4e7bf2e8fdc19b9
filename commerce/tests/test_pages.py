from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.services.orders import payment_record
from commerce.services.pricing import CouponQuote
from commerce.tests.factories import order_for, paid_course
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


def test_checkout_page_shows_the_summary_with_tax(client):
    client.force_login(UserFactory())
    course = paid_course("1180.00", title="Data for all")
    response = client.get(reverse("commerce:checkout", args=[course.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Data for all" in body and "₹1,180.00" in body and "Includes GST 18%" in body
    assert "Pay ₹1,180.00" in body


def test_checkout_with_a_bad_coupon_shows_the_error_next_to_the_field(client, monkeypatch):
    from commerce.services import pricing

    monkeypatch.setattr(pricing, "COUPONS_MODULE", "commerce.services.no_such_module")
    client.force_login(UserFactory())
    course = paid_course()
    response = client.get(reverse("commerce:checkout", args=[course.slug]), {"coupon": "NOPE"})
    assert response.status_code == 200
    assert response.context["form"].errors["coupon"] == ["This coupon code is not valid."]
    assert 'value="NOPE"' in response.content.decode()
    posted = client.post(reverse("commerce:checkout", args=[course.slug]), {"coupon": "NOPE"})
    assert posted.status_code == 200 and not Order.objects.exists()


def test_checkout_with_a_coupon_shows_the_discount(client, monkeypatch):
    from commerce.services import pricing

    monkeypatch.setattr(
        pricing,
        "coupon_quote",
        lambda **kw: CouponQuote(coupon=None, discount=Decimal("100.00")),  # type: ignore[arg-type]
    )
    client.force_login(UserFactory())
    course = paid_course("1180.00")
    response = client.get(reverse("commerce:checkout", args=[course.slug]), {"coupon": "SAVE"})
    assert (
        "\u2212₹100.00" in response.content.decode()
        and "Pay ₹1,080.00" in response.content.decode()
    )


def test_checkout_post_with_manual_gateway_goes_to_the_order_page(client):
    user = UserFactory()
    client.force_login(user)
    course = paid_course()
    response = client.post(reverse("commerce:checkout", args=[course.slug]), {"coupon": ""})
    order = Order.objects.get(user=user)
    assert response.status_code == 302 and response.url == reverse(
        "commerce:order", args=[order.pk]
    )
    page = client.get(response.url).content.decode()
    assert "Waiting for your payment" in page and order.number in page


def test_checkout_post_with_stripe_redirects_to_the_hosted_page(client, stripe_stand_in):
    client.force_login(UserFactory())
    response = client.post(reverse("commerce:checkout", args=[paid_course().slug]), {})
    assert response.status_code == 302 and response.url.startswith(stripe_stand_in.url)


def test_checkout_of_a_course_already_mine_goes_back_to_it(client):
    user = UserFactory()
    course = paid_course()
    Enrollment.objects.create(user=user, course=course)
    client.force_login(user)
    response = client.get(reverse("commerce:checkout", args=[course.slug]))
    assert response.status_code == 302 and response.url == reverse(
        "courses:detail", args=[course.slug]
    )


def test_order_page_waits_for_the_webhook_then_shows_the_course(client, stripe_stand_in):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("commerce:checkout", args=[paid_course().slug]), {})
    order = Order.objects.get(user=user)
    # back from the gateway: the redirect alone proves nothing
    page = client.get(reverse("commerce:order", args=[order.pk])).content.decode()
    assert "Confirming your payment" in page and 'hx-trigger="every 2s"' in page
    payment_record(
        order=order, gateway="stripe", payment_id="pi_1", amount=order.total, currency="INR"
    )
    status = client.get(reverse("commerce:order_status", args=[order.pk])).content.decode()
    assert "You are enrolled." in status and "hx-trigger" not in status


def test_order_pages_are_the_buyers_only(client):
    order = order_for(UserFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("commerce:order", args=[order.pk])).status_code == 404
    assert client.post(reverse("commerce:order_cancel", args=[order.pk])).status_code == 404


def test_order_cancel_from_its_page(client):
    user = UserFactory()
    order = order_for(user)
    client.force_login(user)
    response = client.post(reverse("commerce:order_cancel", args=[order.pk]), follow=True)
    assert "The order is cancelled" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_staff_orders_list_is_bounded_in_queries(client, django_assert_max_num_queries):
    for _ in range(8):
        order_for(UserFactory())
    client.force_login(UserFactory(is_staff=True))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("commerce:staff_orders"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 8
    filtered = client.get(reverse("commerce:staff_orders"), {"status": "paid"})
    assert "No orders match" in filtered.content.decode()


def test_staff_marks_a_manual_order_paid_with_a_note(client):
    user = UserFactory()
    order = order_for(user)
    client.force_login(UserFactory(is_staff=True))
    url = reverse("commerce:staff_order", args=[order.pk])
    response = client.post(url, {"action": "paid", "note": "Cash at the office"}, follow=True)
    assert "Order marked paid" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payments.get().note == "Cash at the office"
    assert Enrollment.objects.filter(user=user).exists()


def test_staff_grant_access_needs_a_note(client):
    user = UserFactory()
    order = order_for(user)
    client.force_login(UserFactory(is_staff=True))
    url = reverse("commerce:staff_order", args=[order.pk])
    response = client.post(url, {"action": "grant", "note": ""})
    assert response.status_code == 200 and "Say why access is granted." in response.content.decode()
    client.post(url, {"action": "grant", "note": "Scholarship"})
    assert Enrollment.objects.get(user=user).source == "staff"


def test_staff_pages_refuse_students(client):
    order = order_for(UserFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("commerce:staff_orders")).status_code == 403
    assert client.get(reverse("commerce:staff_order", args=[order.pk])).status_code == 403
