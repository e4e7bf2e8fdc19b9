import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from activity.tracking import ObjectRef, track
from activity.verbs import Verb
from analytics.models import Event
from analytics.selectors.events import iso_duration
from analytics.services import events as event_services
from analytics.services.events_retention import (
    events_erase_actor,
    events_link_visitor,
    events_prune,
)
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db
ISO_DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?$")


def _row(**fields):
    values = {
        "occurred_at": timezone.now(),
        "verb": "lesson_viewed",
        "object_type": "lesson",
        "object_id": 1,
    }
    values.update(fields)
    return Event.objects.create(**values)


def test_iso_durations():
    assert iso_duration(0) == "PT0S"
    assert iso_duration(61.5) == "PT1M1.5S"
    assert iso_duration(3600) == "PT1H"
    assert iso_duration(3723) == "PT1H2M3S"


def test_xapi_export_shape(client, admin_user, user, django_assert_max_num_queries):
    course = CourseFactory(title="Python")
    _row(
        actor_id=user.pk,
        verb="quiz_graded",
        object_type="quiz",
        object_id=9,
        course_id=course.pk,
        result={"score": 0.75, "success": True, "raw": 6.0, "max": 8.0},
    )
    _row(
        actor_id=user.pk,
        verb="course_completed",
        object_type="course",
        object_id=course.pk,
        course_id=course.pk,
        result={"completion": True, "duration": 90061},
    )
    for _ in range(30):
        _row(
            anonymous_id="v1",
            verb="video_progress",
            course_id=course.pk,
            result={"progress": 0.25, "duration": 10},
        )
    client.force_login(admin_user)
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    with django_assert_max_num_queries(12):  # session, roles, page, course names
        response = client.get("/api/v1/analytics/xapi/", {"since": since, "page_size": 50})
    assert response.status_code == 200
    body = response.json()
    statements = body["results"]
    assert len(statements) == 32
    graded, completed, progress = statements[0], statements[1], statements[2]
    for statement in statements:
        assert {"id", "actor", "verb", "object", "timestamp", "stored", "version"} <= set(statement)
        uuid.UUID(statement["id"])
        assert statement["verb"]["id"].startswith("http")
        assert "en-US" in statement["verb"]["display"]
        assert statement["object"]["objectType"] == "Activity"
        assert statement["object"]["id"].startswith("http")
        assert statement["actor"]["objectType"] == "Agent"
        assert "mbox" not in statement["actor"]
        assert statement["timestamp"].endswith("Z")
    assert graded["actor"]["account"]["name"] == str(user.pk)
    assert graded["verb"]["id"] == "http://adlnet.gov/expapi/verbs/scored"
    assert graded["result"] == {
        "score": {"scaled": 0.75, "raw": 6.0, "max": 8.0, "min": 0},
        "success": True,
    }
    parent = graded["context"]["contextActivities"]["parent"][0]
    assert parent["id"].endswith(f"/courses/{course.slug}/")
    assert parent["definition"]["name"] == {"en-US": "Python"}
    assert completed["object"]["definition"]["name"] == {"en-US": "Python"}
    assert completed["result"]["completion"] is True
    assert ISO_DURATION.match(completed["result"]["duration"])
    assert completed["result"]["duration"] == "PT25H1M1S"
    assert "contextActivities" not in completed["context"]
    assert progress["actor"]["account"]["name"] == "visitor:v1"
    assert progress["result"]["extensions"] == {
        "https://w3id.org/xapi/cmi5/result/extensions/progress": 25
    }


def test_xapi_export_is_cursor_paginated_and_validated(client, admin_user):
    for _ in range(3):
        _row()
    client.force_login(admin_user)
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    first = client.get("/api/v1/analytics/xapi/", {"since": since, "page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    bad = client.get("/api/v1/analytics/xapi/", {"since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.json()["errors"]
    backwards = client.get("/api/v1/analytics/xapi/", {"since": since, "until": since})
    assert backwards.status_code == 400 and "until" in backwards.json()["errors"]


def test_xapi_export_refuses_mentors(client, mentor):
    client.force_login(mentor)
    response = client.get("/api/v1/analytics/xapi/", {"since": "2026-01-01T00:00:00Z"})
    assert response.status_code == 403


@pytest.fixture
def redis_buffer(settings):
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the event buffer cannot be tested")
        pytest.skip("the buffer needs Redis (always present with CI=true)")
    settings.KALPLA_ANALYTICS_BUFFER = "redis"
    settings.KALPLA_ANALYTICS_FLUSH_SIZE = 0
    client = event_services._redis()
    keys = event_services._keys()
    event_services.events_flush()  # nothing another test gathered lands in this one's list
    client.delete(*keys)
    yield client
    event_services.events_flush()
    client.delete(*keys)


def test_buffer_defers_inserts_and_drains_in_bulk(
    redis_buffer, user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(25):
            track(actor=user, verb=Verb.COURSE_VIEWED, object=ObjectRef("course", i + 1))
    assert Event.objects.count() == 0
    assert event_services.events_buffer_length() == 25
    with django_assert_max_num_queries(4):
        assert event_services.events_buffer_drain() == 25
    assert Event.objects.filter(verb="course_viewed", actor_id=user.pk).count() == 25
    assert event_services.events_buffer_length() == 0


def test_buffer_keeps_a_batch_whose_insert_failed(redis_buffer, user, monkeypatch):
    with_ids = [
        track(actor=user, verb=Verb.LOGGED_IN, object=user) for _ in range(3)
    ]  # not sent: no commit callbacks ran; push them ourselves
    for event in with_ids:
        event_services.event_record(event=event)
    event_services.events_flush()

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Event.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        event_services.events_buffer_drain()
    monkeypatch.undo()
    assert Event.objects.count() == 0
    assert event_services.events_buffer_length() == 3  # kept in the processing list
    assert event_services.events_buffer_drain() == 3
    assert {e.event_id for e in Event.objects.all()} == {e.event_id for e in with_ids}
    assert event_services.events_buffer_drain() == 0


def _queued(client):
    return [
        event_services.event_deserialize(item).event_id
        for item in client.lrange(event_services._keys()[0], 0, -1)
    ]


def test_buffer_gathers_a_process_events_and_appends_them_together(
    redis_buffer, settings, user, django_capture_on_commit_callbacks
):
    settings.KALPLA_ANALYTICS_BATCH_SECONDS = 60
    settings.KALPLA_ANALYTICS_BATCH_SIZE = 100
    with django_capture_on_commit_callbacks(execute=True):
        sent = [
            track(actor=user, verb=Verb.COURSE_VIEWED, object=ObjectRef("course", i + 1))
            for i in range(5)
        ]
    assert _queued(redis_buffer) == []  # gathered in the process, not yet in Redis
    event_services.events_flush()
    assert _queued(redis_buffer) == [event.event_id for event in sent]
    assert event_services._BATCH.timer is None  # the flush stopped the timer


def test_buffer_appends_when_the_batch_is_full(redis_buffer, settings, user):
    settings.KALPLA_ANALYTICS_BATCH_SECONDS = 60
    settings.KALPLA_ANALYTICS_BATCH_SIZE = 3
    events = [track(actor=user, verb=Verb.LOGGED_IN, object=user) for _ in range(4)]
    for event in events:
        event_services.event_record(event=event)
    assert _queued(redis_buffer) == [event.event_id for event in events[:3]]
    event_services.events_flush()
    assert _queued(redis_buffer) == [event.event_id for event in events]


def test_buffer_appends_by_itself_after_the_batch_seconds(redis_buffer, settings, user):
    settings.KALPLA_ANALYTICS_BATCH_SECONDS = 0.05
    settings.KALPLA_ANALYTICS_BATCH_SIZE = 100
    event = track(actor=user, verb=Verb.LOGGED_IN, object=user)
    event_services.event_record(event=event)
    timer = event_services._BATCH.timer
    assert timer is not None and timer.interval == 0.05
    timer.join(10)  # the timer's thread ends once it has pushed the batch
    assert _queued(redis_buffer) == [event.event_id]
    assert event_services._BATCH.timer is None


def test_buffer_without_batch_seconds_appends_each_event_at_once(redis_buffer, settings, user):
    settings.KALPLA_ANALYTICS_BATCH_SECONDS = 0
    event = track(actor=user, verb=Verb.LOGGED_IN, object=user)
    event_services.event_record(event=event)
    assert _queued(redis_buffer) == [event.event_id]
    assert event_services._BATCH.timer is None


def test_buffer_asks_for_a_drain_when_an_append_passes_the_flush_size(redis_buffer, settings, user):
    settings.KALPLA_ANALYTICS_BATCH_SECONDS = 60
    settings.KALPLA_ANALYTICS_BATCH_SIZE = 3
    settings.KALPLA_ANALYTICS_FLUSH_SIZE = 4
    due = []
    for _ in range(3):  # 3 in the list: below 4
        event = track(actor=user, verb=Verb.LOGGED_IN, object=user)
        event_services.event_record(event=event, on_due=lambda: due.append(1))
    assert due == []
    for _ in range(3):  # 6 in the list: passed 4 (not landed on it)
        event = track(actor=user, verb=Verb.LOGGED_IN, object=user)
        event_services.event_record(event=event, on_due=lambda: due.append(1))
    assert due == [1]


def test_buffer_stores_the_batch_directly_when_redis_is_down(
    redis_buffer, settings, user, monkeypatch
):
    settings.KALPLA_ANALYTICS_BATCH_SECONDS = 60
    events = [track(actor=user, verb=Verb.LOGGED_IN, object=user) for _ in range(2)]
    for event in events:
        event_services.event_record(event=event)

    class Down:
        def rpush(self, *args):
            raise ConnectionError("redis down")

    monkeypatch.setattr(event_services, "_redis", Down)
    event_services.events_flush()
    assert {e.event_id for e in Event.objects.all()} == {e.event_id for e in events}


def test_a_worker_task_pushes_its_events_when_it_ends(redis_buffer, settings, user):
    from types import SimpleNamespace

    from celery.signals import task_postrun

    class Task:  # what the signal sends: the task, with the request it ran
        def __init__(self, eager: bool) -> None:
            self.request = SimpleNamespace(is_eager=eager)

    settings.KALPLA_ANALYTICS_BATCH_SECONDS = 60
    event = track(actor=user, verb=Verb.LOGGED_IN, object=user)
    event_services.event_record(event=event)
    task_postrun.send(sender=Task(eager=True))
    assert _queued(redis_buffer) == []  # an eager task's events go with its caller's
    task_postrun.send(sender=Task(eager=False))
    assert _queued(redis_buffer) == [event.event_id]


def test_prune_deletes_only_old_raw_events(settings):
    settings.KALPLA_ANALYTICS_RAW_DAYS = 30
    old = _row(occurred_at=timezone.now() - timedelta(days=31))
    kept = _row(occurred_at=timezone.now() - timedelta(days=29))
    assert events_prune(batch=1) == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Event.objects.filter(pk=old.pk).exists()


def test_deleting_a_user_erases_their_events(user):
    other = _row(actor_id=user.pk + 1000, context={"ip": "x"})
    mine = _row(actor_id=user.pk, anonymous_id="v9", context={"ip": "1.2.3.4", "source": "free"})
    before_signup = _row(anonymous_id="v9", context={"user_agent": "Firefox"})
    user.delete()
    mine.refresh_from_db()
    before_signup.refresh_from_db()
    other.refresh_from_db()
    assert (mine.actor_id, mine.anonymous_id, mine.context) == (None, "", {"source": "free"})
    assert (before_signup.anonymous_id, before_signup.context) == ("", {})
    assert other.context == {"ip": "x"}
    assert mine.verb == "lesson_viewed"  # the activity itself is kept for the aggregates


def test_erase_actor_returns_count(user):
    _row(actor_id=user.pk)
    assert events_erase_actor(user_id=user.pk) == 1


def test_login_links_the_visitors_earlier_events(user, django_capture_on_commit_callbacks):
    earlier = _row(anonymous_id="abc")
    stale = _row(anonymous_id="abc", occurred_at=timezone.now() - timedelta(days=200))
    someone_else = _row(anonymous_id="zzz")
    with django_capture_on_commit_callbacks(execute=True):
        track(actor=user, verb=Verb.LOGGED_IN, object=user, context={"anonymous_id": "abc"})
    earlier.refresh_from_db()
    stale.refresh_from_db()
    someone_else.refresh_from_db()
    assert earlier.actor_id == user.pk
    assert stale.actor_id is None  # linking is bounded to recent events
    assert someone_else.actor_id is None
    assert events_link_visitor(anonymous_id="", user_id=user.pk) == 0
