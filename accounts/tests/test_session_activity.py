"""Session activity ("last seen" on the sessions page) is recorded at most once a minute."""

import time

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.middleware import SESSION_ACTIVITY_INTERVAL

pytestmark = pytest.mark.django_db


def _usersession_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "usersessions_usersession" in q["sql"]]


def test_activity_is_recorded_once_per_interval(client, student, monkeypatch):
    client.force_login(student)
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/").status_code == 200
    assert _usersession_queries(first)  # recorded
    session = UserSession.objects.get(user=student)
    seen = session.last_seen_at

    with CaptureQueriesContext(connection) as second:
        assert client.get("/").status_code == 200
    assert _usersession_queries(second) == []  # within the minute: not again

    # the minute is over: the cache's mark has expired, and so has this process's
    cache.clear()
    later = time.monotonic() + SESSION_ACTIVITY_INTERVAL + 1
    monkeypatch.setattr("accounts.middleware.time.monotonic", lambda: later)
    client.get("/", headers={"User-Agent": "Kalpla phone"})
    session.refresh_from_db()
    assert session.last_seen_at > seen and session.user_agent == "Kalpla phone"


def test_anonymous_requests_record_nothing(client):
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert _usersession_queries(ctx) == []
    assert not UserSession.objects.exists()


def test_sessions_page_lists_the_current_session_with_its_browser(client, student):
    client.force_login(student)
    cache.clear()
    client.get("/", headers={"User-Agent": "Kalpla phone"})
    body = client.get("/accounts/sessions/").content.decode()
    assert "Kalpla phone" in body and "Current" in body


def test_activity_of_another_session_is_recorded_at_once(client, student, mentor):
    client.force_login(student)
    client.get("/")
    other = type(client)()
    other.force_login(mentor)
    other.get("/")
    assert UserSession.objects.filter(user=mentor).exists()
