"""Razorpay's subscription webhooks (documented payload shapes) read into Kalpla's records."""

import time
from decimal import Decimal

from commerce.gateways.razorpay_subscriptions import SUBSCRIPTION_READERS, remote_subscription


def _entity(status: str, **extra):
    now = int(time.time())
    return {
        "id": "sub_00000000000001",
        "entity": "subscription",
        "plan_id": "plan_00000000000001",
        "customer_id": "cust_1",
        "status": status,
        "current_start": now - 86400,
        "current_end": now + 29 * 86400,
        "start_at": now - 86400,
        "created_at": now - 86400,
        "notes": {"order_number": "KAL-1"},
        "short_url": "https://rzp.io/i/abc",
        **extra,
    }


def test_razorpay_charged_event_carries_the_state_and_the_payment():
    payload = {
        "subscription": {"entity": _entity("active")},
        "payment": {
            "entity": {"id": "pay_1", "amount": 49900, "currency": "INR", "status": "captured"}
        },
    }
    kind, fields = SUBSCRIPTION_READERS["subscription.charged"]({"payload": payload})
    remote = fields["subscription"]
    assert kind == "subscription.updated"
    assert (remote.subscription_id, remote.status, remote.order_reference) == (
        "sub_00000000000001",
        "active",
        "KAL-1",
    )
    assert remote.latest_payment.amount == Decimal("499.00") and remote.latest_payment.succeeded
    assert remote.current_period_end > remote.current_period_start


def test_razorpay_statuses_map_to_kalplas():
    assert remote_subscription(_entity("pending")).status == "past_due"
    assert remote_subscription(_entity("halted")).status == "expired"
    assert remote_subscription(_entity("cancelled")).status == "cancelled"
    assert remote_subscription(_entity("created")).status == "incomplete"


def test_razorpay_authenticated_with_a_later_first_charge_is_a_trial():
    later = int(time.time()) + 7 * 86400
    remote = remote_subscription(
        _entity("authenticated", start_at=later, current_start=None, current_end=None)
    )
    assert remote.status == "trialing"
    assert remote.trial_ends_at == remote.current_period_end
    assert int(remote.trial_ends_at.timestamp()) == later


def test_razorpay_event_without_a_subscription_is_ignored():
    assert SUBSCRIPTION_READERS["subscription.updated"]({}) == ("ignored", {})
