"""Topic groups: creating, joining by visibility, requests, invitations, roles, channels."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import Group, GroupMembership, Invitation, JoinRequest, RoomMember
from community.services import membership
from community.services.groups import course_group_sync, group_member_add
from community.services.messages import message_send
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def make_group(visibility: str = "public"):
    owner = UserFactory()
    group = membership.topic_group_create(user=owner, name="Study buddies", visibility=visibility)
    return group, owner


def role_of(group, user) -> str | None:
    return (
        GroupMembership.objects.filter(group=group, user=user)
        .values_list("role", flat=True)
        .first()
    )


def rooms_of(group, user) -> int:
    return RoomMember.objects.filter(room__channel__group=group, user=user).count()


def test_topic_group_create_makes_the_creator_owner_with_a_general_channel():
    group, owner = make_group("private")
    assert group.kind == "topic" and group.visibility == "private"
    assert role_of(group, owner) == "owner"
    assert rooms_of(group, owner) == 1


def test_topic_group_create_refuses_a_blank_name_and_an_unknown_visibility():
    user = UserFactory()
    with pytest.raises(ValidationError) as blank:
        membership.topic_group_create(user=user, name="  ")
    assert "name" in blank.value.errors
    with pytest.raises(ValidationError) as bad:
        membership.topic_group_create(user=user, name="X", visibility="secret")
    assert "visibility" in bad.value.errors


def test_group_join_public_is_direct_and_idempotent_and_gives_channel_rooms():
    group, _owner = make_group("public")
    user = UserFactory()
    membership.group_join(group=group, user=user)
    membership.group_join(group=group, user=user)
    assert role_of(group, user) == "member" and rooms_of(group, user) == 1


@pytest.mark.parametrize(
    ("visibility", "code"), [("private", "request_required"), ("invite", "invitation_required")]
)
def test_group_join_refuses_private_and_invite_only_groups(visibility, code):
    group, _owner = make_group(visibility)
    with pytest.raises(Conflict) as refused:
        membership.group_join(group=group, user=UserFactory())
    assert refused.value.code == code


def test_join_request_approved_makes_a_member_and_notifies_the_requester():
    group, owner = make_group("private")
    user = UserFactory()
    request = membership.join_request_create(group=group, user=user, message="Hi")
    assert membership.join_request_create(group=group, user=user).pk == request.pk
    assert Notification.objects.filter(recipient=owner, kind="community.join_requested").exists()
    membership.join_request_decide(request=request, user=owner, approve=True)
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == owner
    assert role_of(group, user) == "member" and rooms_of(group, user) == 1
    told = Notification.objects.get(recipient=user, kind="community.join_request_decided")
    assert told.data["approved"] is True and "approved" in told.body
    with pytest.raises(Conflict):
        membership.join_request_decide(request=request, user=owner, approve=False)


def test_join_request_declined_notifies_and_only_managers_decide():
    group, owner = make_group("private")
    member, user = UserFactory(), UserFactory()
    group_member_add(group=group, user=member)
    request = membership.join_request_create(group=group, user=user)
    with pytest.raises(PermissionDenied):
        membership.join_request_decide(request=request, user=member, approve=True)
    membership.join_request_decide(request=request, user=owner, approve=False)
    assert role_of(group, user) is None
    assert JoinRequest.objects.get(pk=request.pk).status == "declined"
    assert Notification.objects.filter(recipient=user, kind="community.join_request_decided")


def test_invitation_accept_joins_and_decline_does_not():
    group, owner = make_group("invite")
    alice, bob = UserFactory(), UserFactory()
    to_alice = membership.invitation_create(group=group, user=owner, invitee_id=alice.pk)
    to_bob = membership.invitation_create(group=group, user=owner, invitee_id=bob.pk)
    assert Notification.objects.filter(recipient=alice, kind="community.invited").exists()
    membership.invitation_respond(invitation=to_alice, user=alice, accept=True)
    membership.invitation_respond(invitation=to_bob, user=bob, accept=False)
    assert role_of(group, alice) == "member" and role_of(group, bob) is None
    with pytest.raises(Conflict):
        membership.invitation_respond(invitation=to_bob, user=bob, accept=True)


def test_invitation_expires_and_can_be_renewed():
    group, owner = make_group("invite")
    user = UserFactory()
    invitation = membership.invitation_create(group=group, user=owner, invitee_id=user.pk)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(Conflict) as expired:
        membership.invitation_respond(invitation=invitation, user=user, accept=True)
    assert expired.value.code == "invitation_expired"
    renewed = membership.invitation_create(group=group, user=owner, invitee_id=user.pk)
    assert renewed.pk != invitation.pk
    membership.invitation_respond(invitation=renewed, user=user, accept=True)
    assert role_of(group, user) == "member"


def test_invitation_create_needs_a_manager_and_a_non_member():
    group, owner = make_group("invite")
    with pytest.raises(PermissionDenied):
        membership.invitation_create(group=group, user=UserFactory(), invitee_id=owner.pk)
    with pytest.raises(ValidationError):
        membership.invitation_create(group=group, user=owner, invitee_id=owner.pk)


def test_roles_promote_demote_and_a_group_keeps_an_owner():
    group, owner = make_group()
    user = UserFactory()
    membership.group_join(group=group, user=user)
    membership.member_role_set(group=group, user=owner, member_id=user.pk, role="moderator")
    assert role_of(group, user) == "moderator"
    with pytest.raises(PermissionDenied):  # moderators do not change roles
        membership.member_role_set(group=group, user=user, member_id=owner.pk, role="member")
    with pytest.raises(Conflict) as last:
        membership.member_role_set(group=group, user=owner, member_id=owner.pk, role="member")
    assert last.value.code == "last_owner"
    with pytest.raises(Conflict):
        membership.group_leave(group=group, user=owner)


def test_ownership_transfer_makes_the_old_owner_a_moderator():
    group, owner = make_group()
    user = UserFactory()
    membership.group_join(group=group, user=user)
    membership.ownership_transfer(group=group, user=owner, member_id=user.pk)
    assert role_of(group, user) == "owner" and role_of(group, owner) == "moderator"
    membership.group_leave(group=group, user=owner)
    assert role_of(group, owner) is None and rooms_of(group, owner) == 0


def test_member_remove_follows_roles_and_takes_the_rooms_away():
    group, owner = make_group()
    moderator, member, other = UserFactory(), UserFactory(), UserFactory()
    for user in (moderator, member, other):
        membership.group_join(group=group, user=user)
    membership.member_role_set(group=group, user=owner, member_id=moderator.pk, role="moderator")
    with pytest.raises(PermissionDenied):
        membership.member_remove(group=group, user=member, member_id=other.pk)
    with pytest.raises(PermissionDenied):
        membership.member_remove(group=group, user=moderator, member_id=owner.pk)
    membership.member_remove(group=group, user=moderator, member_id=member.pk)
    membership.member_remove(group=group, user=owner, member_id=moderator.pk)
    assert role_of(group, member) is None and rooms_of(group, member) == 0
    assert role_of(group, moderator) is None


def test_course_group_cannot_be_left_while_enrolled():
    enrollment = EnrollmentFactory(course=CourseFactory())
    group = course_group_sync(course_id=enrollment.course_id)
    with pytest.raises(Conflict) as refused:
        membership.group_leave(group=group, user=enrollment.user)
    assert refused.value.code == "course_group"
    with pytest.raises(Conflict):
        membership.member_remove(group=group, user=UserFactory(), member_id=enrollment.user_id)


def test_channels_add_rename_topic_archive_and_archived_takes_no_messages():
    group, owner = make_group()
    member = UserFactory()
    membership.group_join(group=group, user=member)
    with pytest.raises(PermissionDenied):
        membership.channel_add(group=group, user=member, name="homework")
    channel = membership.channel_add(group=group, user=owner, name="homework")
    assert RoomMember.objects.filter(room=channel.room, user=member).exists()
    membership.channel_update(channel=channel, user=owner, name="Exercises", topic="Loops")
    channel.refresh_from_db()
    assert (channel.slug, channel.topic) == ("exercises", "Loops")
    membership.channel_update(channel=channel, user=owner, archived=True)
    with pytest.raises(Conflict) as archived:
        message_send(room=channel.room, author=member, body="hello")
    assert archived.value.code == "channel_archived"
    membership.channel_update(channel=channel, user=owner, archived=False)
    message_send(room=channel.room, author=member, body="hello")
    general = group.channels.get(slug="general")
    with pytest.raises(ValidationError):
        membership.channel_update(channel=general, user=owner, archived=True)


def test_group_update_by_owners_only():
    group, owner = make_group()
    user = UserFactory()
    membership.group_join(group=group, user=user)
    with pytest.raises(PermissionDenied):
        membership.group_update(group=group, user=user, name="Mine")
    membership.group_update(group=group, user=owner, name="Renamed", visibility="private")
    group.refresh_from_db()
    assert (group.name, group.visibility) == ("Renamed", Group.Visibility.PRIVATE)


def test_invitation_asked_again_keeps_one_invitation_with_a_new_answer_period():
    group, owner = make_group("invite")
    user = UserFactory()
    first = membership.invitation_create(group=group, user=owner, invitee_id=user.pk)
    soon = timezone.now() + timedelta(hours=1)
    Invitation.objects.filter(pk=first.pk).update(expires_at=soon)
    again = membership.invitation_create(group=group, user=owner, invitee_id=user.pk)
    assert again.pk == first.pk and again.expires_at > soon + timedelta(days=1)
    assert Notification.objects.filter(recipient=user, kind="community.invited").count() == 1


def test_invitation_revoke_withdraws_a_waiting_invitation_only():
    group, owner = make_group("invite")
    alice, bob = UserFactory(), UserFactory()
    to_alice = membership.invitation_create(group=group, user=owner, invitee_id=alice.pk)
    to_bob = membership.invitation_create(group=group, user=owner, invitee_id=bob.pk)
    # only managers withdraw
    with pytest.raises(PermissionDenied):
        membership.invitation_revoke(group=group, user=alice, invitation_id=to_alice.pk)
    revoked = membership.invitation_revoke(group=group, user=owner, invitation_id=to_alice.pk)
    assert revoked.status == Invitation.Status.REVOKED
    # again: no change, no error
    again = membership.invitation_revoke(group=group, user=owner, invitation_id=to_alice.pk)
    assert again.status == Invitation.Status.REVOKED
    # the invitee can no longer accept it
    with pytest.raises(Conflict):
        membership.invitation_respond(invitation=to_alice, user=alice, accept=True)
    assert role_of(group, alice) is None
    # an answered invitation stays answered
    membership.invitation_respond(invitation=to_bob, user=bob, accept=True)
    with pytest.raises(Conflict) as answered:
        membership.invitation_revoke(group=group, user=owner, invitation_id=to_bob.pk)
    assert answered.value.code == "already_answered"
