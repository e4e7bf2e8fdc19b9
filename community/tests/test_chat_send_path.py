"""The chat's send path kept lean: the frame rate limits in one round trip, the message as
frames carry it built without a serializer but equal to the history API's, and a bounded
number of queries per message sent."""

import pytest
from django.conf import settings

from community import live
from kalpla.cache import redis_client

pytestmark = pytest.mark.django_db


def test_rate_allow_all_counts_every_scope_and_opens_each_window_once():
    limits = [("7:1", 2), ("7", 3)]
    assert [live.rate_allow_all(limits=limits, window=10) for _ in range(3)] == [
        True,
        True,
        False,  # the room's limit (2) is spent; the user's (3) is not
    ]
    # the user's scope counted every frame, so the next frame in another room is refused
    assert live.rate_allow_all(limits=[("7:2", 5), ("7", 3)], window=10) is False
    client = redis_client(settings.REDIS_URL)
    key = f"{settings.CACHE_KEY_PREFIX}:chat:rate:7"
    assert int(client.get(key)) == 4
    assert 0 < client.ttl(key) <= 10  # the window's expiry stays from its first event


def test_rate_allow_all_without_redis_uses_the_cache(settings):
    settings.REDIS_URL = ""
    assert live.rate_allow_all(limits=[("8:1", 1)], window=10) is True
    assert live.rate_allow_all(limits=[("8:1", 1)], window=10) is False
