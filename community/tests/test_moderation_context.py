"""A reported chat message in context: moderators are not members of the rooms they moderate,
so the queue links to the message among its neighbours instead of the room."""

import pytest

from accounts.tests.factories import UserFactory
from community.services.reports import report_create
from community.tests.factories import client_for, direct_room, send, topic_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(student):
    other = UserFactory(name="Rude Person")
    _group, room = topic_group(owner=student, members=(other,))
    earlier = [send(room, student, f"earlier {i}") for i in range(7)]
    rude = send(room, other, "you are all idiots")
    later = [send(room, student, f"later {i}") for i in range(3)]
    report_create(reporter=student, kind="message", object_id=rude.pk, reason="harassment")
    return rude, earlier, later


def test_the_queue_links_a_reported_message_to_its_context(moderator, reported):
    rude, _earlier, _later = reported
    page = client_for(moderator).get("/moderation/").content.decode()
    assert f'href="/moderation/messages/{rude.pk}/#message-{rude.pk}"' in page
    # the room itself would answer 404 to a moderator, who is not a member
    assert client_for(moderator).get(f"/chat/{rude.room_id}/").status_code == 404


def test_context_shows_five_messages_either_side_with_the_flagged_one_marked(
    moderator, reported, django_assert_max_num_queries
):
    rude, earlier, later = reported
    client = client_for(moderator)
    client.get(f"/moderation/messages/{rude.pk}/")  # warm the session and content types
    with django_assert_max_num_queries(12):
        response = client.get(f"/moderation/messages/{rude.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "you are all idiots" in page and "Rude Person" in page
    assert 'aria-current="true"' in page.split(f'id="message-{rude.pk}"')[1].split(">")[0] + ">"
    shown = [m for m in [*earlier, *later] if f'id="message-{m.pk}"' in page]
    assert shown == [*earlier[-5:], *later]
    assert page.index("earlier 6") < page.index("you are all idiots") < page.index("later 0")


def test_the_api_queue_gives_moderators_the_context_link(moderator, reported):
    rude, _earlier, _later = reported
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(moderator)
    items = api.get("/api/v1/moderation/items/").json()["results"]
    # flagged by the text screening and reported: two items, one place to read it
    assert {i["target"]["url"] for i in items} == {
        f"/moderation/messages/{rude.pk}/#message-{rude.pk}"
    }


def test_the_reporter_still_goes_back_to_the_room(student, reported):
    _rude, _earlier, _later = reported
    other = UserFactory()
    room = direct_room(student, other)
    message = send(room, other, "rude again")
    response = client_for(student).post(
        f"/moderation/report/message/{message.pk}/", {"reason": "harassment", "text": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/chat/{room.pk}/#message-{message.pk}"


def test_only_moderators_and_staff_may_read_it(student, mentor, admin_user, reported):
    rude, _earlier, _later = reported
    url = f"/moderation/messages/{rude.pk}/"
    assert client_for(student).get(url).status_code == 403  # a member, but not a moderator
    assert client_for(mentor).get(url).status_code == 403
    assert client_for(admin_user).get(url).status_code == 200


def test_a_message_nobody_reported_or_flagged_is_not_opened(moderator, student):
    other = UserFactory()
    room = direct_room(student, other)
    private = send(room, other, "a private note")
    assert client_for(moderator).get(f"/moderation/messages/{private.pk}/").status_code == 404
    assert client_for(moderator).get("/moderation/messages/999999/").status_code == 404
