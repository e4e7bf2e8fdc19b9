"""The chat pages: room list with unread badges, a room with history and the composer."""

import pytest

from accounts.tests.factories import UserFactory
from community.models import Message, RoomMember
from community.tests.factories import client_for, send, topic_group

pytestmark = pytest.mark.django_db


def test_chat_page_lists_rooms_with_unread_badges_and_the_top_bar_links_it():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,), name="Python circle")
    send(room, owner, "one")
    page = client_for(member).get("/chat/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "#general · Python circle" in html and 'href="/chat/"' in html
    assert f'data-room-id="{room.pk}"' in html and "<spandata-count>1</span>" in html.replace(
        "\n", ""
    ).replace(" ", "")
    assert 'href="/chat/new/"' in html  # start a conversation
    assert "Pick a room" in html  # the space beside the list says what to do


def test_room_page_shows_history_and_divider_without_marking_read():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    send(room, owner, "**old**")
    RoomMember.objects.filter(room=room, user=member).update(
        last_read_id=Message.objects.get(room=room).pk
    )
    newest = send(room, owner, "new one")
    html = client_for(member).get(f"/chat/{room.pk}/").content.decode()
    assert "<strong>old</strong>" in html and "New messages" in html
    assert f"room {room.pk} #" not in html  # no message leaks into the flash messages
    assert html.index("New messages") < html.index("new one")
    assert 'src="/static/js/chat.js"' in html or "js/chat.js" in html
    # opening the page is not reading it: the page's script sends a read frame while the
    # page is visible, and without it "Mark as read" posts
    read = RoomMember.objects.get(room=room, user=member).last_read_id
    assert read == newest.pk - 1 and "Mark as read" in html
    response = client_for(member).post(f"/chat/{room.pk}/read/")
    assert response.status_code == 302
    assert RoomMember.objects.get(room=room, user=member).last_read_id == newest.pk


def test_room_page_loads_older_messages_by_link():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    sent = [send(room, owner, f"message {n}") for n in range(55)]
    html = client_for(owner).get(f"/chat/{room.pk}/").content.decode()
    assert f"?before={sent[5].pk}" in html and "message 4<" not in html
    older = client_for(owner).get(f"/chat/{room.pk}/?before={sent[5].pk}&partial=older")
    assert "message 4<" in older.content.decode() and "<textarea" not in older.content.decode()


def test_composer_sends_without_javascript_once_per_client_id():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    client = client_for(owner)
    for _ in range(2):
        response = client.post(f"/chat/{room.pk}/send/", {"body": "Hi", "client_id": "form-1"})
        assert response.status_code == 302
    assert Message.objects.filter(room=room).count() == 1
    empty = client.post(f"/chat/{room.pk}/send/", {"body": " ", "client_id": "form-2"})
    assert empty.status_code == 400 and "<textarea" in empty.content.decode()


def test_outsiders_get_404_for_a_room_page():
    owner, outsider = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner)
    assert client_for(outsider).get(f"/chat/{room.pk}/").status_code == 404
    assert client_for(outsider).post(f"/chat/{room.pk}/send/", {"body": "x"}).status_code == 404


@pytest.mark.parametrize("count", [5, 45])
def test_room_page_queries_do_not_grow_with_messages(count, django_assert_max_num_queries):
    owner = UserFactory()
    members = UserFactory.create_batch(3)
    _group, room = topic_group(owner=owner, members=tuple(members))
    for n in range(count):
        send(room, members[n % 3], f"m{n}")
    client = client_for(owner)
    client.get(f"/chat/{room.pk}/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/chat/{room.pk}/").status_code == 200


def test_admin_lists_chat_records_read_only(admin_client):
    owner, member = UserFactory(), UserFactory()
    group, room = topic_group(owner=owner, members=(member,))
    message = send(room, owner, "hi")
    for url in (
        "/admin/community/group/",
        f"/admin/community/group/{group.pk}/change/",
        "/admin/community/groupmembership/",
        "/admin/community/message/",
        f"/admin/community/message/{message.pk}/change/",
        "/admin/community/block/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/community/message/add/").status_code == 403
