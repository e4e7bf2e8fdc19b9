"""Chat over HTTP: rooms with unread counts, history, send/edit/delete, read, DMs, blocks."""

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from community.models import Message, RoomMember
from community.services.direct import direct_room_start
from community.services.messages import reaction_set
from community.tests.factories import client_for, direct_room, send, topic_group

pytestmark = pytest.mark.django_db


def test_room_list_shows_unread_counts_and_titles():
    owner, member = UserFactory(), UserFactory(name="Asha")
    _group, room = topic_group(owner=owner, members=(member,), name="Python circle")
    send(room, member, "one")
    send(room, member, "two")
    dm = direct_room(owner, member)
    response = client_for(owner).get("/api/v1/chat/rooms/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[room.pk]["unread"] == 2
    assert rows[room.pk]["title"] == "#general · Python circle"
    assert rows[room.pk]["channel"]["group"]["kind"] == "topic"
    assert rows[dm.pk]["kind"] == "direct" and rows[dm.pk]["title"] == "Asha"
    assert rows[dm.pk]["channel"] is None and len(rows[dm.pk]["members"]) == 2
    assert rows[room.pk]["socket_url"] == f"/ws/chat/{room.pk}/"


def test_history_is_newest_first_with_a_cursor():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    sent = [send(room, owner, f"m{n}") for n in range(5)]
    response = client_for(owner).get(f"/api/v1/chat/rooms/{room.pk}/messages/?page_size=2")
    body = response.json()
    assert [m["id"] for m in body["results"]] == [sent[4].pk, sent[3].pk]
    older = client_for(owner).get(body["next"]).json()
    assert [m["seq"] for m in older["results"]] == [3, 2]


def test_send_over_http_is_idempotent_by_client_id_or_header():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    client = client_for(owner)
    url = f"/api/v1/chat/rooms/{room.pk}/messages/"
    first = client.post(url, {"body": "Hi", "client_id": "a1"}, content_type="application/json")
    again = client.post(url, {"body": "Hi", "client_id": "a1"}, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["seq"] == 1
    header = {"HTTP_IDEMPOTENCY_KEY": "k-9"}
    one = client.post(url, {"body": "Yo"}, content_type="application/json", **header)
    two = client.post(url, {"body": "Yo"}, content_type="application/json", **header)
    assert (one.status_code, two.status_code) == (201, 200)
    assert Message.objects.filter(room=room).count() == 2


def test_edit_and_delete_over_http():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    message = send(room, member, "Frist")
    url = f"/api/v1/chat/messages/{message.pk}/"
    assert (
        client_for(owner).patch(url, {"body": "x"}, content_type="application/json").status_code
        == 403
    )
    edited = client_for(member).patch(url, {"body": "First"}, content_type="application/json")
    assert edited.status_code == 200 and edited.json()["body"] == "First"
    deleted = client_for(member).delete(url)
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True


def test_mark_read_over_http():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    first, second = send(room, owner, "1"), send(room, owner, "2")
    response = client_for(member).post(
        f"/api/v1/chat/rooms/{room.pk}/read/",
        {"message_id": first.pk},
        content_type="application/json",
    )
    assert response.json() == {"room_id": room.pk, "last_read_id": first.pk, "unread": 1}
    assert RoomMember.objects.get(room=room, user=member).last_read_id == first.pk
    assert second.pk > first.pk


def test_private_room_refuses_outsiders_over_http():
    owner, outsider = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner)
    message = send(room, owner, "secret")
    client = client_for(outsider)
    assert client.get(f"/api/v1/chat/rooms/{room.pk}/messages/").status_code == 404
    posted = client.post(
        f"/api/v1/chat/rooms/{room.pk}/messages/", {"body": "hi"}, content_type="application/json"
    )
    assert posted.status_code == 404 and posted.json()["code"] == "room_not_found"
    assert client.delete(f"/api/v1/chat/messages/{message.pk}/").status_code == 404
    assert Client().get("/api/v1/chat/rooms/").status_code == 401


def test_start_a_dm_and_block():
    alice, bob = UserFactory(), UserFactory()
    topic_group(owner=alice, members=(bob,))
    client = client_for(alice)
    started = client.post(
        "/api/v1/chat/rooms/direct/", {"user_ids": [bob.pk]}, content_type="application/json"
    )
    assert started.status_code == 201 and started.json()["kind"] == "direct"
    found = client.post(
        "/api/v1/chat/rooms/direct/", {"user_ids": [bob.pk]}, content_type="application/json"
    )
    assert found.status_code == 200 and found.json()["id"] == started.json()["id"]
    blocked = client_for(bob).post(
        "/api/v1/me/blocks/", {"user_id": alice.pk}, content_type="application/json"
    )
    assert blocked.status_code == 201 and blocked.json()["user"]["id"] == alice.pk
    refused = client.post(
        f"/api/v1/chat/rooms/{started.json()['id']}/messages/",
        {"body": "hi"},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "blocked"
    assert client_for(bob).get("/api/v1/me/blocks/").json()["count"] == 1
    assert client_for(bob).delete(f"/api/v1/me/blocks/{alice.pk}/").status_code == 204


@pytest.mark.parametrize("rooms", [3, 12])
def test_room_list_queries_do_not_grow_with_rooms(rooms, django_assert_max_num_queries):
    owner = UserFactory()
    members = UserFactory.create_batch(3)
    for n in range(rooms):
        _group, room = topic_group(owner=owner, members=tuple(members), name=f"G{n}")
        send(room, members[n % 3], "hi")
    for other in members:
        direct_room_start(user=owner, other_ids=[other.pk])
    client = client_for(owner)
    client.get("/api/v1/chat/rooms/")  # warm the session and roles caches
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/chat/rooms/")
    assert response.json()["count"] == rooms + 3


@pytest.mark.parametrize("count", [5, 40])
def test_history_queries_do_not_grow_with_messages(count, django_assert_max_num_queries):
    owner = UserFactory()
    members = UserFactory.create_batch(4)
    _group, room = topic_group(owner=owner, members=tuple(members))
    for n in range(count):
        message = send(room, members[n % 4], f"m{n}")
        reaction_set(message=message, user=owner, emoji="👍")
    client = client_for(owner)
    client.get(f"/api/v1/chat/rooms/{room.pk}/messages/")
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/v1/chat/rooms/{room.pk}/messages/")
    assert len(response.json()["results"]) == count


def test_ids_beyond_bigint_are_404_or_400_not_500():
    owner = UserFactory()
    client = client_for(owner)
    huge = 2**70
    assert client.get(f"/api/v1/chat/rooms/{huge}/messages/").status_code == 404
    assert client.get(f"/chat/{huge}/").status_code == 404
    assert client.delete(f"/api/v1/chat/messages/{huge}/").status_code == 404
    started = client.post(
        "/api/v1/chat/rooms/direct/", {"user_ids": [huge]}, content_type="application/json"
    )
    assert started.status_code == 400
