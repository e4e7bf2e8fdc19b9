"""The chat's send path kept lean: the frame rate limits in one round trip, the message as
frames carry it built without a serializer but equal to the history API's, and a bounded
number of queries per message sent."""

import dataclasses
import json
import zoneinfo
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community import live
from community.api.serializers import MessageOut, message_out
from community.models import Channel, Sanction
from community.selectors.chat import message_payload_get, room_unread_counts
from community.services.messages import (
    message_delete,
    message_edit,
    message_send,
    reaction_set,
)
from community.services.unread import room_unread_push
from community.tests.factories import direct_room, send, topic_group
from kalpla.cache import redis_client
from kalpla.exceptions import Conflict, NotFound, PermissionDenied
from kalpla.streams import stream_touch

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


def test_unread_counts_are_read_only_for_members_who_listen(django_assert_num_queries):
    owner, bob, carol = UserFactory(), UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(bob, carol))
    message = send(room, owner, "one")
    send(room, owner, "two")
    # nobody has /ws/me/ open: the members' ids, no counts
    with django_assert_num_queries(1):
        assert room_unread_push(message_id=message.pk, room_id=room.pk) == 0
    stream_touch(user_id=bob.pk, socket="bob-socket")
    assert room_unread_counts(room_id=room.pk, user_ids=[bob.pk]) == [(bob.pk, 0, 2)]
    with django_assert_num_queries(2):
        assert room_unread_push(message_id=message.pk, room_id=room.pk) == 1
    # a task queued without the room's id still finds it
    assert room_unread_push(message_id=message.pk) == 1


def test_a_send_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    owner, other = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(other,))
    send(room, other, "first", client_id="c1")
    # the checks with the client id (one query), the room's numbers, the insert, the read
    # marker, and the savepoint around them
    with django_assert_max_num_queries(6):
        message, created = message_send(room=room, author=other, body="second", client_id="c2")
    assert created and message.seq == 2


def test_a_resent_client_id_gives_the_room_numbers_back():
    owner, other = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(other,))
    first = send(room, other, "first", client_id="c1")
    again, created = message_send(room=room, author=other, body="first", client_id="c1")
    assert (again.pk, created) == (first.pk, False)
    room.refresh_from_db()
    assert (room.last_seq, room.change_seq) == (1, 1)
    assert send(room, owner, "next").seq == 2


def test_a_client_id_stored_after_the_checks_gives_back_the_stored_message(monkeypatch):
    """A retry racing its first try: both pass the checks before either is stored; the one
    stored second is refused by the unique client ids and answers with the first."""
    from community.services import messages

    owner, other = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(other,))
    first = send(room, other, "first", client_id="c1")
    real = messages._send_checks

    def before_the_first_was_stored(**kwargs: Any) -> Any:
        checks = real(**kwargs)
        assert checks.stored_id == first.pk
        return dataclasses.replace(checks, stored_id=None)

    monkeypatch.setattr(messages, "_send_checks", before_the_first_was_stored)
    again, created = message_send(room=room, author=other, body="first", client_id="c1")
    assert (again.pk, created) == (first.pk, False)
    room.refresh_from_db()
    assert (room.last_seq, room.change_seq) == (1, 1)  # the numbers it took were given back
    assert room.messages.count() == 1


def test_the_checks_of_a_send_refuse_outsiders_the_sanctioned_and_archived_channels():
    owner, other, outsider = UserFactory(), UserFactory(), UserFactory()
    group, room = topic_group(owner=owner, members=(other,))
    direct = direct_room(owner, other)
    with pytest.raises(NotFound):
        send(room, outsider, "let me in")
    Sanction.objects.create(user=other, group=group, kind=Sanction.Kind.MUTE, created_by=owner)
    with pytest.raises(PermissionDenied) as refused:
        send(room, other, "hello")
    assert refused.value.code == "muted"
    send(direct, other, "a group's mute ends at its group")
    Sanction.objects.create(
        user=owner, group=group, kind=Sanction.Kind.MUTE, until=timezone.now(), created_by=other
    )
    send(room, owner, "an ended mute holds nobody back")
    Sanction.objects.create(user=other, kind=Sanction.Kind.BAN, created_by=owner)
    with pytest.raises(PermissionDenied) as refused:
        send(direct, other, "hello")
    assert refused.value.code == "banned"
    Channel.objects.filter(room=room).update(archived_at=timezone.now())
    with pytest.raises(Conflict):
        send(room, owner, "anyone?")
    room.refresh_from_db()
    assert room.last_seq == 1
