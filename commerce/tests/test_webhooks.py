import pytest

from accounts.tests.factories import UserFactory
from commerce.gateways import SignatureError, base
from commerce.models import GatewayEvent, Order, Payment
from commerce.services import webhooks
from commerce.services.webhooks import webhook_receive
from commerce.tests.factories import order_for
from commerce.tests.fake_gateway import GOOD, event_body
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db
SIGNED = {"X-Test-Signature": GOOD}


@pytest.fixture(autouse=True)
def _fake_stripe(monkeypatch):
    monkeypatch.setitem(base.GATEWAY_MODULES, "stripe", "commerce.tests.fake_gateway")


def receive(body, headers=SIGNED):
    return webhook_receive(gateway_name="stripe", body=body, headers=headers)


def test_webhook_receive_applies_a_payment_once_and_stores_the_event():
    user = UserFactory()
    order = order_for(user, gateway="stripe")
    body = event_body(event_id="evt_1", order=order)
    assert receive(body) == "applied"
    assert receive(body) == "duplicate"
    assert Payment.objects.count() == 1 and Enrollment.objects.filter(user=user).count() == 1
    event = GatewayEvent.objects.get()
    assert (event.gateway, event.event_id, event.outcome) == ("stripe", "evt_1", "applied")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_webhook_receive_two_events_for_one_payment_record_it_once():
    order = order_for(UserFactory(), gateway="stripe")
    receive(event_body(event_id="evt_a", order=order))
    assert receive(event_body(event_id="evt_b", order=order)) == "applied"
    assert Payment.objects.count() == 1 and GatewayEvent.objects.count() == 2


def test_webhook_receive_bad_signature_changes_nothing():
    order = order_for(UserFactory(), gateway="stripe")
    with pytest.raises(SignatureError):
        receive(event_body(event_id="evt_1", order=order), headers={"X-Test-Signature": "x"})
    assert not GatewayEvent.objects.exists() and not Payment.objects.exists()


def test_webhook_receive_stores_unknown_kinds_as_ignored():
    order = order_for(UserFactory(), gateway="stripe")
    assert receive(event_body(event_id="evt_1", order=order, kind="ignored")) == "ignored"
    assert GatewayEvent.objects.get().outcome == "ignored" and not Payment.objects.exists()


def test_webhook_receive_records_outcomes_it_cannot_apply():
    order = order_for(UserFactory(), gateway="stripe")
    body = event_body(event_id="evt_1", order=order, amount="1.00")
    assert receive(body) == "amount_mismatch"
    order.number = "KAL-NOPE"
    assert receive(event_body(event_id="evt_2", order=order)) == "unknown_order"
    assert list(GatewayEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "amount_mismatch",
        "unknown_order",
    ]
    assert not Payment.objects.exists()


def test_webhook_receive_payment_failed_marks_a_pending_order():
    order = order_for(UserFactory(), gateway="stripe")
    receive(event_body(event_id="evt_1", order=order, kind="payment.failed"))
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED and "Card declined" in order.note


def test_webhook_receive_rolls_the_event_back_when_its_handler_fails(monkeypatch):
    order = order_for(UserFactory(), gateway="stripe")

    def boom(event, gateway_name):
        raise RuntimeError("database went away")

    monkeypatch.setitem(webhooks.WEBHOOK_HANDLERS, "payment.succeeded", boom)
    with pytest.raises(RuntimeError):
        receive(event_body(event_id="evt_1", order=order))
    # nothing stored: the gateway's retry applies it
    assert not GatewayEvent.objects.exists()
    monkeypatch.undo()
    monkeypatch.setitem(base.GATEWAY_MODULES, "stripe", "commerce.tests.fake_gateway")
    assert receive(event_body(event_id="evt_1", order=order)) == "applied"
