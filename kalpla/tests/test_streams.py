"""kalpla.streams: who has a personal stream open, in Redis (shared) and in process memory."""

import time

import pytest
from django.test import override_settings

from kalpla import streams


@pytest.fixture(params=["redis", "local"])
def backend(request, settings):
    if request.param == "redis" and not settings.REDIS_URL:
        pytest.fail("Redis is needed: set REDIS_URL (CI and this machine run it)")
    url = settings.REDIS_URL if request.param == "redis" else ""
    with override_settings(REDIS_URL=url, CACHE_KEY_PREFIX=f"streams-test-{time.time_ns()}"):
        yield request.param


def test_streams_open_lists_users_with_a_live_stream_until_it_leaves(backend):
    streams.stream_touch(user_id=1, socket="a")
    streams.stream_touch(user_id=1, socket="b")
    streams.stream_touch(user_id=2, socket="c")
    assert streams.streams_open(user_ids=[1, 2, 3]) == {1, 2}
    streams.stream_leave(user_id=1, socket="a")
    assert streams.streams_open(user_ids=[1, 2, 3]) == {1, 2}  # one of two sockets left
    streams.stream_leave(user_id=1, socket="b")
    streams.stream_leave(user_id=2, socket="c")
    assert streams.streams_open(user_ids=[1, 2, 3]) == set()
    assert streams.streams_open(user_ids=[]) == set()


def test_a_stream_not_renewed_lapses(backend, monkeypatch):
    streams.stream_touch(user_id=7, socket="a")
    later = time.time() + streams.STREAM_TTL + 1
    monkeypatch.setattr(streams.time, "time", lambda: later)
    assert streams.streams_open(user_ids=[7]) == set()
