"""Queue actions (approve, hide, delete, warn, mute, ban from a group or the site): each one's
effect, its audit row and the author's notification; bans and mutes enforced over HTTP."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services import api_key_create
from accounts.tests.factories import PASSWORD, UserFactory
from community.models import (
    GroupMembership,
    Message,
    ModerationAction,
    ModerationStatus,
    RoomMember,
    Sanction,
)
from community.services.messages import message_send, reaction_set
from community.services.sanctions import moderation_act, sanction_lift
from community.tests.factories import send, topic_group
from kalpla.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from moderation.models import ModerationItem
from notifications.models import Notification

pytestmark = pytest.mark.django_db

THREAT = "I will kill you"


@pytest.fixture
def case(db):
    """A member's held message in a topic group, and its queue item."""
    owner, author, reader = UserFactory(), UserFactory(), UserFactory()
    group, room = topic_group(owner=owner, members=(author, reader))
    message = send(room, author, THREAT)
    item = ModerationItem.objects.get(object_id=str(message.pk), content_type__model="message")
    return group, room, author, reader, message, item


def only_audit_row() -> ModerationAction:
    [row] = ModerationAction.objects.all()
    return row


def test_approve_publishes_and_audits(case, moderator, django_capture_on_commit_callbacks):
    group, _room, author, _reader, message, item = case
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        moderation_act(item=item, by=moderator, action="approve", note="Banter between friends")
    message.refresh_from_db()
    item.refresh_from_db()
    assert message.status == ModerationStatus.PUBLISHED
    assert item.status == ModerationItem.Status.APPROVED and item.decided_by == moderator
    row = only_audit_row()
    assert (row.actor, row.action, row.target_user, row.group) == (
        moderator,
        "approve",
        author,
        group,
    )
    assert row.note == "Banter between friends" and "kill" in row.content_excerpt
    assert row.item == item and row.object_id == str(message.pk)
    assert len(callbacks) >= 2  # the room hears of it, the author is told
    assert Notification.objects.filter(recipient=author, kind="community.moderation").exists()


def test_a_decided_item_cannot_be_decided_again(case, moderator):
    *_rest, item = case
    moderation_act(item=item, by=moderator, action="hide")
    with pytest.raises(Conflict):
        moderation_act(item=item, by=moderator, action="approve")
    assert ModerationAction.objects.count() == 1


def test_hide_hides_for_readers_and_audits(case, moderator):
    _group, _room, _author, reader, message, item = case
    Message.objects.filter(pk=message.pk).update(status="published")
    moderation_act(item=item, by=moderator, action="hide", note="Threat")
    message.refresh_from_db()
    assert message.status == ModerationStatus.HIDDEN
    assert only_audit_row().action == "hide"
    client = APIClient()
    client.force_authenticate(reader)
    history = client.get(f"/api/v1/chat/rooms/{message.room_id}/messages/").json()["results"]
    assert message.pk not in [m["id"] for m in history]


def test_delete_makes_a_tombstone_and_audits(case, moderator):
    *_rest, message, item = case
    moderation_act(item=item, by=moderator, action="delete", note="Threat")
    message.refresh_from_db()
    item.refresh_from_db()
    assert message.is_deleted and item.status == ModerationItem.Status.REJECTED
    assert only_audit_row().action == "delete"


def test_delete_is_for_chat_messages_only(moderator):
    from courses.tests.factories import ReviewFactory
    from moderation.services import moderation_flag

    item = moderation_flag(target=ReviewFactory(), reason="toxic")
    with pytest.raises(ValidationError):
        moderation_act(item=item, by=moderator, action="delete")
    assert not ModerationAction.objects.exists()


def test_warn_tells_the_author_and_audits(case, moderator, django_capture_on_commit_callbacks):
    *_rest, author, _reader, _message, item = case
    with django_capture_on_commit_callbacks(execute=True):
        moderation_act(item=item, by=moderator, action="warn", note="Keep it civil")
    row = only_audit_row()
    assert row.action == "warn" and row.target_user == author
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.PENDING  # warning is not a decision
    notification = Notification.objects.get(recipient=author, kind="community.moderation")
    assert "Keep it civil" in notification.body and notification.title


def test_mute_stops_sending_and_reacting_in_that_group_only(case, moderator):
    group, room, author, reader, _message, item = case
    moderation_act(item=item, by=moderator, action="mute", note="Cool down", days=2)
    sanction = Sanction.objects.get(user=author)
    assert sanction.kind == "mute" and sanction.group == group and sanction.until is not None
    assert only_audit_row().until == sanction.until
    with pytest.raises(PermissionDenied) as error:
        send(room, author, "Can I talk?")
    assert error.value.code == "muted"
    other_message = send(room, reader, "Hi")
    with pytest.raises(PermissionDenied):
        reaction_set(message=other_message, user=author, emoji="👍")
    # elsewhere they still may
    _group2, room2 = topic_group(owner=author, name="Elsewhere")
    send(room2, author, "Fine here")
    # and when lifted, here too
    sanction_lift(sanction=sanction, by=moderator)
    send(room, author, "Back")


def test_mute_over_http_is_a_403_with_code(case, moderator):
    _group, room, author, *_rest, item = case
    moderation_act(item=item, by=moderator, action="mute")
    client = APIClient()
    client.force_authenticate(author)
    response = client.post(
        f"/api/v1/chat/rooms/{room.pk}/messages/", {"body": "hello?"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "muted"


def test_mute_needs_a_group(moderator):
    from community.tests.factories import direct_room

    alice, bob = UserFactory(), UserFactory()
    message = send(direct_room(alice, bob), alice, THREAT)
    item = ModerationItem.objects.get(object_id=str(message.pk))
    with pytest.raises(ValidationError) as error:
        moderation_act(item=item, by=moderator, action="mute")
    assert error.value.code == "no_group"


def test_ban_from_group_removes_and_refuses_over_http(case, moderator):
    group, room, author, *_rest, item = case
    moderation_act(item=item, by=moderator, action="ban_group", note="Repeated threats")
    assert not GroupMembership.objects.filter(group=group, user=author).exists()
    assert not RoomMember.objects.filter(room=room, user=author).exists()
    assert only_audit_row().action == "ban_group"
    client = APIClient()
    client.force_authenticate(author)
    url = f"/api/v1/chat/rooms/{room.pk}/messages/"
    assert client.post(url, {"body": "let me in"}, format="json").status_code == 404
    # re-added by someone (an enrollment sync), the ban still refuses them
    RoomMember.objects.create(room=room, user=author)
    with pytest.raises(PermissionDenied) as error:
        message_send(room=room, author=author, body="sneaky")
    assert error.value.code == "banned"


def test_ban_from_site_ends_sessions_and_tokens_and_sign_in(case, moderator):
    *_rest, author, _reader, _message, item = case
    browser = Client()
    assert browser.login(email=author.email, password=PASSWORD)
    browser.get("/chat/")  # tracked as one of the user's sessions
    assert UserSession.objects.filter(user=author).exists()
    _key, raw = api_key_create(user=author, name="script")

    moderation_act(item=item, by=moderator, action="ban_site", note="Threats")

    author.refresh_from_db()
    assert not author.is_active
    assert not UserSession.objects.filter(user=author).exists()
    assert not ApiKey.objects.filter(user=author, revoked_at__isnull=True).exists()
    assert browser.get("/chat/").status_code == 302  # signed out
    api = APIClient()
    assert api.get("/api/v1/chat/rooms/", HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 401
    assert not Client().login(email=author.email, password=PASSWORD)
    assert only_audit_row().action == "ban_site"


def test_lifting_a_site_ban_reactivates(case, moderator):
    *_rest, author, _reader, _message, item = case
    moderation_act(item=item, by=moderator, action="ban_site")
    sanction_lift(sanction=Sanction.objects.get(user=author), by=moderator)
    author.refresh_from_db()
    assert author.is_active


def test_only_moderators_act_and_nobody_sanctions_themselves(case, moderator):
    *_rest, _author, reader, _message, item = case
    with pytest.raises(PermissionDenied):
        moderation_act(item=item, by=reader, action="hide")
    with pytest.raises(ValidationError):
        moderation_act(item=item, by=moderator, action="nope")
    assert not ModerationAction.objects.exists()


def test_a_moderator_cannot_be_site_banned_by_another(moderator):
    other_moderator = UserFactory(roles=("Moderator",))
    _group, room = topic_group(owner=UserFactory(), members=(other_moderator,))
    message = send(room, other_moderator, THREAT)
    item = ModerationItem.objects.get(object_id=str(message.pk))
    with pytest.raises(PermissionDenied):
        moderation_act(item=item, by=moderator, action="ban_site")


def test_gone_content_can_still_be_decided(case, moderator):
    *_rest, message, item = case
    Message.objects.filter(pk=message.pk).delete()
    item = ModerationItem.objects.get(pk=item.pk)
    moderation_act(item=item, by=moderator, action="approve")
    with pytest.raises((ValidationError, NotFound)):
        moderation_act(item=item, by=moderator, action="warn")
