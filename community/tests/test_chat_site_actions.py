"""The chat's site forms without JavaScript: start a conversation, block and unblock, react,
reply, open a thread, edit and delete one's own message; the members API."""

import pytest

from accounts.tests.factories import UserFactory
from community.models import Block, Message, MessageEdit, Reaction, Room
from community.services.direct import block_create
from community.services.messages import reaction_set
from community.tests.factories import client_for, direct_room, send, topic_group

pytestmark = pytest.mark.django_db


def test_new_conversation_lists_people_one_shares_a_group_with_by_name():
    me = UserFactory(name="Asha Rao")
    mate, mentor, _stranger = (
        UserFactory(name="Meera Das"),
        UserFactory(name="Ravi Iyer"),
        UserFactory(name="Meena Stranger"),
    )
    blocked = UserFactory(name="Mehul Blocked")
    topic_group(owner=mentor, members=(me, mate, blocked))
    block_create(blocker=blocked, blocked_id=me.pk)
    client = client_for(me)
    html = client.get("/chat/new/").content.decode()
    assert "Meera Das" in html and "Ravi Iyer" in html
    assert "Meena Stranger" not in html and "Mehul Blocked" not in html
    found = client.get("/chat/new/?q=mee").content.decode()
    assert "Meera Das" in found and "Ravi Iyer" not in found
    # one person: a 1:1 conversation, found again the second time
    response = client.post("/chat/new/", {"user_ids": [mate.pk]})
    room = Room.objects.get(kind="direct", direct_key__isnull=False)
    assert response.status_code == 302 and response.url == f"/chat/{room.pk}/"
    assert client.post("/chat/new/", {"user_ids": [mate.pk]}).url == f"/chat/{room.pk}/"
    # several: a group conversation
    group_dm = client.post("/chat/new/", {"user_ids": [mate.pk, mentor.pk]})
    assert group_dm.status_code == 302
    assert Room.objects.filter(kind="direct", direct_key__isnull=True).count() == 1


def test_new_conversation_refuses_people_out_of_reach_with_the_form_again():
    me, stranger = UserFactory(), UserFactory(name="Zed Stranger")
    client = client_for(me)
    response = client.post("/chat/new/", {"user_ids": [stranger.pk]})
    assert response.status_code == 400 and "New conversation" in response.content.decode()
    assert client.post("/chat/new/", {"user_ids": ["x"]}).status_code == 400
    assert client.post("/chat/new/", {}).status_code == 400
    assert not Room.objects.filter(kind="direct").exists()


def test_block_and_unblock_from_the_conversation_header():
    me, other = UserFactory(), UserFactory(name="Meera Das")
    room = direct_room(me, other)
    client = client_for(me)
    html = client.get(f"/chat/{room.pk}/").content.decode()
    assert "Block Meera Das" in html
    response = client.post(
        f"/chat/people/{other.pk}/block/", {"action": "block", "next": f"/chat/{room.pk}/"}
    )
    assert response.status_code == 302 and response.url == f"/chat/{room.pk}/"
    assert Block.objects.filter(blocker=me, blocked=other).exists()
    html = client.get(f"/chat/{room.pk}/").content.decode()
    assert "Unblock Meera Das" in html and "You blocked Meera Das" in html
    # a block stops the conversation both ways
    refused = client_for(other).post(f"/chat/{room.pk}/send/", {"body": "hi", "client_id": "a"})
    assert refused.status_code == 400 and not Message.objects.filter(room=room).exists()
    assert "You cannot send messages in this conversation." in refused.content.decode()
    # the new-conversation page lists who one blocked, to unblock them there too
    listed = client.get("/chat/new/").content.decode()
    assert "People you blocked" in listed and "Unblock Meera Das" in listed
    unblocked = client.post(
        f"/chat/people/{other.pk}/block/", {"action": "unblock", "next": "https://evil/"}
    )
    assert unblocked.url == "/chat/"  # never off the site
    assert not Block.objects.exists()
    # yourself: told no, nothing stored
    assert client.post(f"/chat/people/{me.pk}/block/", {"action": "block"}).status_code == 302
    assert not Block.objects.exists()


def test_react_reply_thread_edit_and_delete_without_javascript():
    owner, member = UserFactory(name="Asha Rao"), UserFactory(name="Meera Das")
    _group, room = topic_group(owner=owner, members=(member,))
    first = send(room, owner, "Question about **lesson 3**")
    client = client_for(member)
    # react, then take it back with the same chip
    client.post(f"/chat/messages/{first.pk}/react/", {"emoji": "👍", "on": "on"})
    html = client.get(f"/chat/{room.pk}/").content.decode()
    assert 'aria-pressed="true">👍 1' in html
    client.post(f"/chat/messages/{first.pk}/react/", {"emoji": "👍", "on": ""})
    assert not Reaction.objects.exists()
    bad = client.post(f"/chat/messages/{first.pk}/react/", {"emoji": "x" * 40, "on": "on"})
    assert bad.status_code == 302 and not Reaction.objects.exists()
    # reply: the composer knows the thread, the reply quotes its start
    page = client.get(f"/chat/{room.pk}/?reply={first.pk}").content.decode()
    assert f'name="parent_id" value="{first.pk}"' in page and "Replying to Asha Rao" in page
    client.post(f"/chat/{room.pk}/send/", {"body": "Yes", "client_id": "r1", "parent_id": first.pk})
    reply = Message.objects.get(parent=first)
    send(room, owner, "Unrelated")
    page = client.get(f"/chat/{room.pk}/").content.decode()
    assert "Asha Rao: Question about lesson 3" in page
    thread = client.get(f"/chat/{room.pk}/?thread={first.pk}").content.decode()
    assert "Yes" in thread and "Unrelated" not in thread and "Back to the whole" in thread
    # edit: authors only
    assert client_for(owner).get(f"/chat/messages/{reply.pk}/edit/").status_code == 403
    assert client.get(f"/chat/messages/{reply.pk}/edit/").status_code == 200
    assert client.post(f"/chat/messages/{reply.pk}/edit/", {"body": " "}).status_code == 400
    edited = client.post(f"/chat/messages/{reply.pk}/edit/", {"body": "Yes, today"})
    assert edited.status_code == 302 and edited.url.endswith(f"#message-{reply.pk}")
    assert MessageEdit.objects.get(message=reply).body == "Yes"
    assert "(edited)" in client.get(f"/chat/{room.pk}/").content.decode()
    # delete: a tombstone in its place
    assert client.post(f"/chat/messages/{reply.pk}/delete/").status_code == 302
    page = client.get(f"/chat/{room.pk}/").content.decode()
    assert "This message was deleted." in page and "Yes, today" not in page


def test_room_members_api_lists_people_with_read_state():
    owner, member = UserFactory(name="Asha"), UserFactory(name="Bela")
    _group, room = topic_group(owner=owner, members=(member,))
    message = send(room, owner, "hi")
    data = client_for(member).get(f"/api/v1/chat/rooms/{room.pk}/members/").json()
    assert data["count"] == 2
    rows = {r["user"]["id"]: r for r in data["results"]}
    assert rows[owner.pk]["last_read_id"] == message.pk and rows[member.pk]["last_read_id"] == 0
    assert rows[owner.pk]["online"] is False
    outsider = client_for(UserFactory()).get(f"/api/v1/chat/rooms/{room.pk}/members/")
    assert outsider.status_code == 404 and outsider.json()["code"] == "room_not_found"


@pytest.mark.parametrize("count", [3, 30])
def test_room_members_api_queries_do_not_grow(count, django_assert_max_num_queries):
    owner = UserFactory()
    _group, room = topic_group(owner=owner, members=tuple(UserFactory.create_batch(count)))
    client = client_for(owner)
    with django_assert_max_num_queries(11):
        assert client.get(f"/api/v1/chat/rooms/{room.pk}/members/").status_code == 200


def test_reactions_api_adds_and_takes_back_once():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    message = send(room, owner, "hi")
    client = client_for(member)
    url = f"/api/v1/chat/messages/{message.pk}/reactions/"
    for _ in range(2):
        data = client.post(url, {"emoji": "🎉"}, content_type="application/json").json()
        assert data["reactions"] == [{"emoji": "🎉", "count": 1, "user_ids": [member.pk]}]
    taken = client.post(url, {"emoji": "🎉", "on": False}, content_type="application/json")
    assert taken.json()["reactions"] == []
    bad = client.post(url, {"emoji": ""}, content_type="application/json")
    assert bad.status_code == 400 and "emoji" in bad.json()["errors"]
    outsider = client_for(UserFactory()).post(url, {"emoji": "🎉"}, content_type="application/json")
    assert outsider.status_code == 404


@pytest.mark.parametrize("count", [4, 40])
def test_room_page_with_threads_and_reactions_runs_bounded_queries(
    count, django_assert_max_num_queries
):
    owner = UserFactory()
    members = UserFactory.create_batch(3)
    _group, room = topic_group(owner=owner, members=tuple(members))
    start = send(room, owner, "thread start")
    for n in range(count):
        reply = send(room, members[n % 3], f"m{n}", parent_id=start.pk if n % 2 else None)
        reaction_set(message=reply, user=members[(n + 1) % 3], emoji="🎉")
    client = client_for(owner)
    client.get(f"/chat/{room.pk}/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/chat/{room.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/chat/{room.pk}/?thread={start.pk}").status_code == 200
