"""Plan and subscription pages, the staff list, the admin; sweeps and reminders on a clock."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from commerce.gateways import base
from commerce.models import Subscription
from commerce.services.subscription_sweeps import subscription_reminders_send, subscriptions_sweep
from commerce.services.subscriptions import subscription_mark_paid
from commerce.tasks_subscriptions import subscription_reminders_task, subscriptions_sweep_task
from commerce.tests.factories import paid_course
from commerce.tests.factories_subscriptions import PlanFactory, subscribe
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fake_stripe(monkeypatch):
    monkeypatch.setitem(base.GATEWAY_MODULES, "stripe", "commerce.tests.fake_subscription_gateway")


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def test_plans_page_lists_plans_and_marks_mine(client, django_assert_max_num_queries):
    user = UserFactory()
    plans = [PlanFactory(courses=[paid_course()]) for _ in range(5)]
    subscribe(user, plans[0])
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("subscriptions:plans"))
    assert response.status_code == 200
    html = response.content.decode()
    assert all(p.name in html for p in plans)
    assert reverse("subscriptions:detail", args=[user.subscriptions.get().pk]) in html


def test_plans_page_empty_state(client):
    response = client.get(reverse("subscriptions:plans"))
    assert "No plans on sale yet" in response.content.decode()


def test_plan_page_shows_courses_and_the_subscribe_button(client):
    course = paid_course(title="Deep Learning")
    plan = PlanFactory(courses=[course], trial_days=7)
    anonymous = client.get(reverse("subscriptions:plan", args=[plan.slug])).content.decode()
    assert "Deep Learning" in anonymous and "Sign in to subscribe" in anonymous
    client.force_login(UserFactory())
    html = client.get(reverse("subscriptions:plan", args=[plan.slug])).content.decode()
    assert "Start free trial" in html
    assert client.get(reverse("subscriptions:plan", args=["nope"])).status_code == 404


def test_subscribe_manual_goes_to_the_subscription_page(client):
    user = UserFactory()
    plan = PlanFactory()
    client.force_login(user)
    response = client.post(reverse("subscriptions:subscribe", args=[plan.slug]))
    sub = Subscription.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("subscriptions:detail", args=[sub.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for your payment" in page


def test_subscribe_through_a_gateway_redirects_to_its_checkout_and_the_page_polls(client, settings):
    settings.KALPLA_PAYMENT_GATEWAY = "stripe"
    user = UserFactory()
    client.force_login(user)
    plan = PlanFactory()
    response = client.post(reverse("subscriptions:subscribe", args=[plan.slug]))
    assert response.status_code == 302 and response["Location"].startswith("https://pay.example/")
    sub = Subscription.objects.get(user=user)
    page = client.get(reverse("subscriptions:detail", args=[sub.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in page and "Confirming your payment" in page


def test_subscribe_twice_shows_the_error(client, staff):
    user = UserFactory()
    plan = PlanFactory()
    subscription_mark_paid(subscription=subscribe(user, plan), by=staff)
    client.force_login(user)
    response = client.post(reverse("subscriptions:subscribe", args=[plan.slug]), follow=True)
    assert "You already subscribe to this plan." in response.content.decode()


def test_subscription_page_cancel_and_resume(client, staff):
    user = UserFactory()
    sub = subscription_mark_paid(subscription=subscribe(user, PlanFactory()), by=staff)
    client.force_login(user)
    html = client.get(reverse("subscriptions:detail", args=[sub.pk])).content.decode()
    assert "Cancel the plan" in html and "Paid until" in html
    page = client.post(reverse("subscriptions:cancel", args=[sub.pk]), follow=True).content.decode()
    assert "Resume the plan" in page and "the courses stay open until" in page
    page = client.post(reverse("subscriptions:resume", args=[sub.pk]), follow=True).content.decode()
    assert "Resumed" in page
    manage = client.post(reverse("subscriptions:manage", args=[sub.pk]), follow=True)
    assert "no payment provider page" in manage.content.decode()


def test_subscription_page_of_someone_else_is_404(client):
    sub = subscribe(UserFactory(), PlanFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("subscriptions:detail", args=[sub.pk])).status_code == 404


def test_my_subscriptions_page(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    assert "No subscriptions yet" in client.get(reverse("subscriptions:mine")).content.decode()
    for _ in range(5):
        subscribe(user, PlanFactory())
    with django_assert_max_num_queries(10):
        response = client.get(reverse("subscriptions:mine"))
    assert response.content.decode().count('class="card" id="sub-') == 5


def test_staff_page_lists_filters_and_records_a_payment(
    client, staff, django_assert_max_num_queries
):
    subs = [subscribe(UserFactory(), PlanFactory()) for _ in range(5)]
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("subscriptions:staff"), {"status": "incomplete"})
    assert response.status_code == 200
    assert response.content.decode().count("Activate") >= 5
    response = client.post(
        reverse("subscriptions:staff_mark_paid", args=[subs[0].pk]),
        {"reference": "UTR-9", "note": "Bank transfer"},
        follow=True,
    )
    assert "Payment recorded" in response.content.decode()
    subs[0].refresh_from_db()
    assert subs[0].status == "active"
    bad = client.post(
        reverse("subscriptions:staff_mark_paid", args=[subs[1].pk]),
        {"reference": "x" * 90},
        follow=True,
    )
    assert "at most 80 characters" in bad.content.decode()


def test_staff_page_is_staff_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("subscriptions:staff")).status_code == 403


def test_admin_lists_plans_and_subscriptions_and_records_payments(client, staff):
    admin = UserFactory(is_staff=True, is_superuser=True)
    sub = subscribe(UserFactory(), PlanFactory())
    client.force_login(admin)
    assert client.get(reverse("admin:commerce_plan_changelist")).status_code == 200
    assert client.get(reverse("admin:commerce_subscription_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:commerce_subscription_change", args=[sub.pk])).status_code == 200
    )
    response = client.post(
        reverse("admin:commerce_subscription_changelist"),
        {"action": "record_payment", "_selected_action": [sub.pk]},
        follow=True,
    )
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.status == "active"


# --- the clock ---------------------------------------------------------------------------------


def test_reminders_go_once_per_period_and_not_to_cancelled_plans(staff, settings):
    settings.KALPLA_SUBSCRIPTION_REMINDER_DAYS = 3
    user, quitter = UserFactory(), UserFactory()
    sub = subscription_mark_paid(subscription=subscribe(user, PlanFactory()), by=staff)
    other = subscription_mark_paid(subscription=subscribe(quitter, PlanFactory()), by=staff)
    Subscription.objects.filter(pk=other.pk).update(cancel_at_period_end=True)
    soon = sub.current_period_end - timedelta(days=2)
    assert subscription_reminders_send(now=soon) == 1
    assert subscription_reminders_send(now=soon) == 0
    assert Notification.objects.filter(kind="commerce.subscription_renewal_reminder").count() == 1
    sub.refresh_from_db()
    assert sub.reminder_sent_for == sub.current_period_end
    # the next period gets its own reminder
    sub = subscription_mark_paid(subscription=sub, by=staff)
    assert subscription_reminders_send(now=sub.current_period_end - timedelta(days=1)) == 1


def test_sweep_asks_the_gateway_about_a_period_that_ended_without_news():
    from commerce.services.subscriptions import subscription_apply_remote
    from commerce.tests import fake_subscription_gateway as fake

    sub = subscribe(UserFactory(), PlanFactory(), gateway="stripe")
    start = timezone.now() - timedelta(days=32)
    end = timezone.now() - timedelta(days=2)
    Subscription.objects.filter(pk=sub.pk).update(gateway_subscription_id="sub_9")
    subscription_apply_remote(
        gateway="stripe",
        remote=fake.remote("sub_9", "active", start=start, end=end),
        event_at=start,
    )
    fake.state["sub_9"] = fake.remote("sub_9", "expired")
    assert subscriptions_sweep() == {"asked": 1}
    sub.refresh_from_db()
    assert sub.status == "expired"


def test_beat_tasks_run_the_sweeps():
    assert subscriptions_sweep_task.delay().get() == {}
    assert subscription_reminders_task.delay().get() == 0


def test_sweep_expires_a_gateways_plan_past_due_beyond_the_grace_days(settings):
    from commerce.services.subscriptions import subscription_apply_remote
    from commerce.tests import fake_subscription_gateway as fake

    settings.KALPLA_SUBSCRIPTION_GRACE_DAYS = 3
    sub = subscribe(UserFactory(), PlanFactory(), gateway="stripe")
    Subscription.objects.filter(pk=sub.pk).update(gateway_subscription_id="sub_8")
    end = timezone.now() - timedelta(days=1)
    subscription_apply_remote(
        gateway="stripe",
        remote=fake.remote("sub_8", "past_due", start=end - timedelta(days=30), end=end),
        event_at=end,
    )
    assert subscriptions_sweep() == {}  # still within the grace days
    assert subscriptions_sweep(now=end + timedelta(days=4)) == {"expired": 1}
    sub.refresh_from_db()
    assert sub.status == "expired"
    assert Notification.objects.filter(kind="commerce.subscription_ended").count() == 1


def test_subscription_page_stops_polling_a_checkout_left_long_ago(client, settings):
    from commerce.models import Order

    settings.KALPLA_PAYMENT_GATEWAY = "stripe"
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("subscriptions:subscribe", args=[PlanFactory().slug]))
    sub = Subscription.objects.get(user=user)
    Order.objects.filter(pk=sub.order_id).update(updated_at=timezone.now() - timedelta(hours=2))
    page = client.get(reverse("subscriptions:detail", args=[sub.pk])).content.decode()
    assert 'hx-trigger="every 3s"' not in page
    assert "Go to payment again" in page


def test_plan_page_shows_a_refused_coupon_next_to_its_field(client):
    plan = PlanFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("subscriptions:subscribe", args=[plan.slug]), {"coupon": "NOPE"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_coupon_error"' in html and 'value="NOPE"' in html
