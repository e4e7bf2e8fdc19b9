from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from idempotency.models import IdempotencyRecord
from idempotency.tasks import idempotency_purge_task

pytestmark = pytest.mark.django_db


def test_purge_forgets_keys_older_than_a_day_only():
    user = UserFactory()
    old = IdempotencyRecord.objects.create(user=user, scope="s", key="old", request_hash="h")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    IdempotencyRecord.objects.create(user=user, scope="s", key="new", request_hash="h")
    assert idempotency_purge_task() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
