"""The batch insert of client events (PostgreSQL: one array per column, unnested)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import Event
from analytics.services.events_ingest import events_ingest

pytestmark = pytest.mark.django_db

AWKWARD = 'say "hi", {braces}, back\\slash, comma, NULL, ünïcödé ✓'


def _item(i: int, now, **overrides):
    item = {
        "id": str(uuid.UUID(int=i + 1)),
        "verb": "video_progress",
        "object": {"type": "lesson", "id": 10 + i},
        "course": None if i % 2 else 7,
        "timestamp": (now - timedelta(seconds=i)).isoformat(),
        "result": {"progress": 0.75, "duration": 12.5 + i},
        "context": {"note": AWKWARD, "n": i, "ok": True},
    }
    item.update(overrides)
    return item


def test_batch_keeps_every_value_of_every_row(student):
    # given a batch whose texts need quoting inside an array literal and NULL course ids
    now = timezone.now()
    items = [_item(i, now) for i in range(40)]
    # when it is ingested as a signed-in learner
    outcomes = events_ingest(
        data={"sent_at": now.isoformat(), "platform": "ios", "events": items},
        actor_id=student.pk,
    )
    # then every row is stored with its own values, none mixed up with another's
    assert [o.status for o in outcomes] == ["accepted"] * 40
    rows = {str(e.event_id): e for e in Event.objects.all()}
    assert len(rows) == 40
    for i, item in enumerate(items):
        row = rows[item["id"]]
        assert (row.object_id, row.course_id, row.platform, row.actor_id) == (
            10 + i,
            None if i % 2 else 7,
            "ios",
            student.pk,
        )
        assert row.result == {"progress": 0.75, "duration": 12.5 + i}
        assert row.context == {"note": AWKWARD, "n": i, "ok": True}
        assert row.anonymous_id == ""
        assert abs((row.occurred_at - (now - timedelta(seconds=i))).total_seconds()) < 5


def test_batch_repeated_in_part_stores_only_the_new_events():
    # given a visitor's batch already stored
    now = timezone.now()
    first = [_item(i, now) for i in range(3)]
    events_ingest(
        data={"sent_at": now.isoformat(), "events": first}, actor_id=None, anonymous_id="v-1"
    )
    # when a batch with two of them and two new ones arrives
    again = [*first[1:], _item(3, now), _item(4, now)]
    outcomes = events_ingest(
        data={"sent_at": now.isoformat(), "events": again}, actor_id=None, anonymous_id="v-1"
    )
    # then the repeats are duplicates and only the new ones are stored
    assert [o.status for o in outcomes] == ["duplicate", "duplicate", "accepted", "accepted"]
    assert Event.objects.count() == 5
    assert set(Event.objects.values_list("anonymous_id", flat=True)) == {"v-1"}


def test_context_with_a_nul_character_is_refused_not_a_server_error():
    from rest_framework.test import APIClient

    from accounts.tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory())
    answer = client.post(
        "/api/v1/events/",
        {
            "sent_at": "2026-03-01T10:15:02Z",
            "events": [
                {
                    "id": "9b2f7a4e-2a53-4a61-9f0e-6f1c1c0a0b01",
                    "verb": "video_progress",
                    "object": {"type": "lesson", "id": 1},
                    "timestamp": "2026-03-01T10:14:30Z",
                    "result": {"progress": 0.25},
                    "context": {"\x00key": "value"},
                }
            ],
        },
        format="json",
    )
    assert answer.status_code == 400
    assert "events[0].context" in answer.json()["errors"]
