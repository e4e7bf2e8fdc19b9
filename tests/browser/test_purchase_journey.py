"""A student buys a paid course in Chromium and opens a lesson: through the manual gateway
(staff mark the order paid on their orders page) and through the Stripe stand-in's hosted
checkout page (the order page waits for the signed webhook, then shows the course)."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from commerce.models import Order
from commerce.testing.stripe_standin import StripeStandIn
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments.models import Enrollment

from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paid_course(db):
    course = CourseFactory(title="Paid analytics", slug="paid-analytics", price="499.00")
    module = ModuleFactory(course=course, order=0, title="Start here")
    LessonFactory(module=module, order=0, title="Welcome to analytics", content="Hello there.")
    return course


def _buy(page: Page, base: str) -> None:
    page.goto(f"{base}/courses/paid-analytics/")
    page.get_by_role("link", name="Buy for ₹499").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    assert_page_basics(page, "checkout")
    expect(page.locator("table.summary")).to_contain_text("Includes GST 18%")
    page.get_by_role("button", name="Pay ₹499.00").click()


def _open_lesson(page: Page) -> None:
    page.get_by_role("link", name="Start learning").click()
    page.get_by_role("link", name=re.compile("Continue learning|Open the lessons")).first.click()
    expect(page.get_by_role("heading", name="Welcome to analytics")).to_be_visible()


def test_student_buys_through_the_manual_gateway_and_staff_mark_it_paid(
    page: Page, browser: Browser, live_server, paid_course
):
    student = UserFactory(email="buyer@example.com")
    staff = UserFactory(email="staff@example.com", is_staff=True, roles=("Admin",))
    base = live_server.url
    sign_in(page, base, student.email, PASSWORD)
    _buy(page, base)
    expect(page.get_by_role("heading", name="Waiting for your payment")).to_be_visible()
    order = Order.objects.get(user=student)
    expect(page.locator("main")).to_contain_text(order.number)
    assert_page_basics(page, "order-manual")

    # staff, in their own browser, mark it paid with a note
    staff_context = browser.new_context()
    staff_page = staff_context.new_page()
    sign_in(staff_page, base, staff.email, PASSWORD)
    staff_page.goto(f"{base}/staff/orders/")
    assert_page_basics(staff_page, "staff-orders")
    staff_page.get_by_role("link", name=order.number).click()
    staff_page.get_by_label("Note").fill("Bank transfer UTR 1234")
    staff_page.get_by_role("button", name="Mark paid").click()
    expect(staff_page.get_by_text("Order marked paid")).to_be_visible()
    staff_context.close()

    page.reload()
    expect(page.get_by_role("heading", name="You are enrolled.")).to_be_visible()
    _open_lesson(page)
    assert Enrollment.objects.get(user=student).grant_reference == f"order:{order.pk}"


@pytest.fixture
def stripe_checkout(settings, live_server):
    stand_in = StripeStandIn(
        webhook_url=f"{live_server.url}/webhooks/stripe/",
        webhook_secret="whsec_browser",
        api_key="sk_test_browser",
        webhook_delay=1.5,
    ).start()
    settings.KALPLA_PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_API_BASE = stand_in.url
    settings.STRIPE_SECRET_KEY = "sk_test_browser"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_browser"
    yield stand_in
    stand_in.stop()


def test_student_buys_on_the_stripe_checkout_page_and_waits_for_the_webhook(
    page: Page, live_server, paid_course, stripe_checkout
):
    student = UserFactory(email="card@example.com")
    base = live_server.url
    sign_in(page, base, student.email, PASSWORD)
    _buy(page, base)
    # Stripe's hosted page (the stand-in)
    expect(page.get_by_role("heading", name="Stripe stand-in checkout")).to_be_visible()
    expect(page.locator("main")).to_contain_text("499.00 INR")
    page.get_by_role("button", name="Pay").click()
    # back on the site before the webhook: the redirect alone does not open the course
    expect(page.get_by_role("heading", name="Confirming your payment…")).to_be_visible()
    assert not Enrollment.objects.filter(user=student).exists()
    assert_page_basics(page, "order-confirming")
    # the signed webhook arrives; the page updates by itself
    expect(page.get_by_role("heading", name="You are enrolled.")).to_be_visible(timeout=15_000)
    order = Order.objects.get(user=student)
    assert order.status == "paid" and order.payments.get().gateway_payment_id.startswith("pi_")
    _open_lesson(page)
