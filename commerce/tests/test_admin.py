import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.tests.factories import order_for
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_order_changelist_and_change_page(admin_client):
    order = order_for(UserFactory())
    assert (
        order.number
        in admin_client.get(reverse("admin:commerce_order_changelist")).content.decode()
    )
    page = admin_client.get(reverse("admin:commerce_order_change", args=[order.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize(("action", "source"), [("mark_paid", "paid"), ("grant_access", "staff")])
def test_order_actions_ask_for_a_note_then_settle(admin_client, action, source):
    user = UserFactory()
    order = order_for(user)
    url = reverse("admin:commerce_order_changelist")
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [order.pk]}
    confirm = admin_client.post(url, data)
    assert confirm.status_code == 200 and order.number in confirm.content.decode()
    assert not Enrollment.objects.exists()
    done = admin_client.post(url, {**data, "apply": "1", "note": "Cheque 881"}, follow=True)
    assert "1 order(s) settled." in done.content.decode()
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.source == source
    order.refresh_from_db()
    assert "Cheque 881" in (order.note + "".join(p.note for p in order.payments.all()))
    assert (order.status == Order.Status.PAID) == (action == "mark_paid")


def test_order_action_refusals_are_messages(admin_client):
    order = order_for(UserFactory(), gateway="stripe")
    url = reverse("admin:commerce_order_changelist")
    data = {"action": "mark_paid", helpers.ACTION_CHECKBOX_NAME: [order.pk], "apply": "1"}
    done = admin_client.post(url, {**data, "note": "x"}, follow=True)
    assert "Only offline (manual) orders" in done.content.decode()


def test_gateway_events_are_listed(admin_client):
    response = admin_client.get(reverse("admin:commerce_gatewayevent_changelist"))
    assert response.status_code == 200
