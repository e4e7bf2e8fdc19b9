"""The chat's send path kept lean: the frame rate limits in one round trip, the message as
frames carry it built without a serializer but equal to the history API's, and a bounded
number of queries per message sent."""

import json
import zoneinfo
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community import live
from community.api.serializers import MessageOut, message_out
from community.selectors.chat import message_payload_get
from community.services.messages import message_delete, message_edit, reaction_set
from community.tests.factories import send, topic_group
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


def _as_json(data: Any) -> Any:
    return json.loads(json.dumps(data))


def test_message_out_is_the_history_apis_message_in_every_state():
    owner, other = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(other,))
    first = send(room, owner, "**First** <b>words</b> of a thread")
    reply = send(room, other, "a reply", parent_id=first.pk)
    nested = send(room, owner, "a reply to the reply", parent_id=reply.pk)
    reaction_set(message=first, user=other, emoji="👍")
    reaction_set(message=first, user=owner, emoji="👍")
    reaction_set(message=first, user=owner, emoji="🎉")
    message_edit(message=reply, user=other, body="a reply, edited")
    gone = send(room, other, "soon gone")
    message_delete(message=gone, user=other)
    message_delete(message=first, user=owner)  # a reply quoting a deleted start
    ids = [first.pk, reply.pk, nested.pk, gone.pk]
    for zone in ("UTC", "Asia/Kolkata"):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            for message_id in ids:
                message = message_payload_get(message_id=message_id)
                assert _as_json(message_out(message)) == _as_json(MessageOut(message).data)


def test_a_new_message_is_shown_as_stored_without_reading_its_reactions(
    django_assert_num_queries,
):
    owner, other = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(other,))
    first = send(room, owner, "the start")
    message = send(room, other, "a reply", parent_id=first.pk)
    with django_assert_num_queries(0):
        data = message_out(message, new=True)
    assert data == _as_json(message_out(message_payload_get(message_id=message.pk)))
