"""Subscriptions under concurrent writers (PostgreSQL): two clicks of Subscribe make one
subscription; a subscription's events racing each other end in the newest state."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from commerce.gateways import base
from commerce.models import Subscription
from commerce.services.subscriptions import subscription_apply_remote
from commerce.tests import fake_subscription_gateway as fake
from commerce.tests.factories_subscriptions import PlanFactory, subscribe


def _needs_postgresql(settings) -> None:
    if connection.vendor != "postgresql":
        if settings.CI:
            pytest.fail("CI=true but no PostgreSQL: concurrent writers cannot be tested")
        pytest.skip("needs PostgreSQL for concurrent writers (always present with CI=true)")


@pytest.mark.django_db(transaction=True)
def test_concurrent_subscribe_makes_one_subscription(settings):
    _needs_postgresql(settings)
    user, plan = UserFactory(), PlanFactory()

    def one(_n: int) -> int:
        try:
            return subscribe(user, plan).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(one, range(8)))
    assert len(ids) == 1 and Subscription.objects.filter(user=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_events_end_in_the_newest_state(settings, monkeypatch):
    _needs_postgresql(settings)
    monkeypatch.setitem(base.GATEWAY_MODULES, "stripe", "commerce.tests.fake_subscription_gateway")
    sub = subscribe(UserFactory(), PlanFactory(), gateway="stripe")
    Subscription.objects.filter(pk=sub.pk).update(gateway_subscription_id="sub_1")
    t0 = timezone.now()
    end = t0 + timedelta(days=30)
    # ten events, newest last in time, delivered newest first and all at once
    statuses = ["active", "past_due"] * 4 + ["active", "cancelled"]
    events = [(t0 + timedelta(seconds=i), status) for i, status in enumerate(statuses)]

    def one(event: tuple) -> str:
        at, status = event
        try:
            remote = fake.remote("sub_1", status, start=t0, end=end)
            return subscription_apply_remote(gateway="stripe", remote=remote, event_at=at)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(one, reversed(events)))
    sub.refresh_from_db()
    assert sub.status == "cancelled" and sub.last_event_at == events[-1][0]
