import uuid
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from analytics.models import Event

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/"


def _iso(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _event(**overrides):
    item = {
        "id": str(uuid.uuid4()),
        "verb": "video_progress",
        "object": {"type": "lesson", "id": 5},
        "course": 3,
        "timestamp": _iso(timezone.now()),
        "result": {"progress": 0.5, "duration": 30},
    }
    item.update(overrides)
    return item


def test_ingest_accepts_then_reports_duplicates(student_api, student):
    item = _event()
    batch = {"sent_at": _iso(timezone.now()), "events": [item]}
    first = student_api.post(URL, batch, format="json")
    assert first.status_code == 200
    assert first.json() == {
        "accepted": 1,
        "duplicates": 0,
        "rejected": 0,
        "results": [{"id": item["id"], "status": "accepted"}],
    }
    again = student_api.post(URL, batch, format="json")
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "duplicate"
    row = Event.objects.get()
    assert (row.actor_id, row.verb, row.object_type, row.object_id, row.course_id) == (
        student.pk,
        "video_progress",
        "lesson",
        5,
        3,
    )
    assert row.result == {"progress": 0.5, "duration": 30.0}
    assert str(row.event_id) == item["id"]


def test_ingest_corrects_clock_skew_and_clamps(student_api):
    # the device's clock is 2 hours fast: the event happened 10 s before it was sent
    device_now = timezone.now() + timedelta(hours=2)
    skewed = _event(timestamp=_iso(device_now - timedelta(seconds=10)))
    future = _event(timestamp=_iso(device_now + timedelta(days=3)))
    ancient = _event(timestamp="2001-01-01T00:00:00Z")
    response = student_api.post(
        URL, {"sent_at": _iso(device_now), "events": [skewed, future, ancient]}, format="json"
    )
    assert response.status_code == 200
    now = timezone.now()
    rows = {str(r.event_id): r.occurred_at for r in Event.objects.all()}
    assert abs((now - rows[skewed["id"]]).total_seconds() - 10) < 5
    assert abs((now - rows[future["id"]]).total_seconds()) < 5  # not after now
    assert abs((now - rows[ancient["id"]]) - timedelta(days=7)) < timedelta(seconds=5)


def test_ingest_partial_batch_is_207_with_item_errors(student_api):
    good = _event()
    bad = _event(result={"progress": 0.3}, id="nope")
    server_verb = _event(verb="payment_succeeded")
    response = student_api.post(
        URL, {"sent_at": _iso(timezone.now()), "events": [good, bad, server_verb]}, format="json"
    )
    assert response.status_code == 207
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 2)
    errors = body["results"][1]["errors"]
    assert {"id", "result.progress"} <= set(errors)
    assert set(body["results"][2]["errors"]) == {"verb"}
    assert body["results"][1]["status"] == "rejected"
    assert Event.objects.count() == 1


def test_ingest_wholly_bad_batch_is_400_with_item_errors(student_api):
    response = student_api.post(
        URL,
        {"sent_at": _iso(timezone.now()), "events": [_event(object={"type": "quiz", "id": 1})]},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "events[0].object.type" in body["errors"]
    missing = student_api.post(URL, {"events": [], "platform": "tv"}, format="json")
    assert missing.status_code == 400
    assert {"events", "sent_at", "platform"} <= set(missing.json()["errors"])
    too_many = student_api.post(
        URL, {"sent_at": _iso(timezone.now()), "events": [_event()] * 501}, format="json"
    )
    assert too_many.status_code == 400 and "events" in too_many.json()["errors"]
    assert Event.objects.count() == 0


def test_ingest_anonymous_uses_the_visitor_cookie(client):
    response = client.post(
        URL,
        {"sent_at": _iso(timezone.now()), "events": [_event()]},
        content_type="application/json",
    )
    assert response.status_code == 200
    row = Event.objects.get()
    assert row.actor_id is None and row.anonymous_id == response.cookies["kalpla_vid"].value
    apps = client.post(
        URL,
        {"sent_at": _iso(timezone.now()), "events": [_event()], "anonymous_id": "install-1"},
        content_type="application/json",
    )
    assert apps.status_code == 200
    assert Event.objects.filter(anonymous_id="install-1").count() == 1


def test_ingest_anonymous_throttle_is_stricter(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "events_anon": "2/min",
        },
    }
    from analytics.api.views_events import EventsAnonThrottle

    EventsAnonThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        codes = [
            client.post(
                URL,
                {"sent_at": _iso(timezone.now()), "events": [_event()]},
                content_type="application/json",
            ).status_code
            for _ in range(3)
        ]
    finally:
        from rest_framework.settings import api_settings

        EventsAnonThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [200, 200, 429]


def test_ingest_batch_of_500_in_few_queries(student_api, django_assert_max_num_queries):
    batch = {"sent_at": _iso(timezone.now()), "events": [_event() for _ in range(500)]}
    with django_assert_max_num_queries(6):
        response = student_api.post(URL, batch, format="json")
    assert response.status_code == 200 and response.json()["accepted"] == 500
    assert Event.objects.count() == 500


def test_ingest_refuses_an_overlong_anonymous_id_even_when_signed_in():
    from rest_framework.test import APIClient

    from accounts.tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory())
    answer = client.post(
        "/api/v1/events/",
        {"sent_at": "2026-03-01T10:15:02Z", "anonymous_id": "0" * 65, "events": []},
        format="json",
    )
    assert answer.status_code == 400
    assert "anonymous_id" in answer.json()["errors"]
