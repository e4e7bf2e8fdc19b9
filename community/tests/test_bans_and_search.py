"""Bans keep people out of a group whichever door they try; search never shows others' held
messages."""

import pytest

from accounts.tests.factories import UserFactory
from community.models import Group, GroupMembership, Sanction
from community.selectors.search import search_all
from community.services.groups import group_member_remove
from community.services.membership import group_join, invitation_create
from community.tests.factories import send, topic_group
from kalpla.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db


def _banned_from(group, user) -> None:
    group_member_remove(group=group, user_id=user.pk)
    Sanction.objects.create(user=user, kind=Sanction.Kind.BAN, group=group, note="Threats")


def test_a_banned_user_cannot_join_again_nor_be_invited():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    Group.objects.filter(pk=group.pk).update(visibility=Group.Visibility.PUBLIC)
    group.refresh_from_db()
    _banned_from(group, member)
    with pytest.raises(PermissionDenied) as joined:
        group_join(group=group, user=member)
    assert joined.value.code == "banned"
    with pytest.raises(PermissionDenied):
        invitation_create(group=group, user=owner, invitee_id=member.pk)
    assert not GroupMembership.objects.filter(group=group, user=member).exists()


def test_a_lifted_ban_lets_them_back():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    Group.objects.filter(pk=group.pk).update(visibility=Group.Visibility.PUBLIC)
    group.refresh_from_db()
    _banned_from(group, member)
    Sanction.objects.filter(user=member).update(lifted_at="2026-01-01T00:00:00Z")
    assert group_join(group=group, user=member).user_id == member.pk


def test_search_leaves_out_others_held_messages_but_shows_the_authors_own():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    held = send(room, member, "I will kill you over the homework")
    assert held.status == "held"
    shown = send(room, member, "the homework is due on Friday")

    def found(user):
        return {row["hit_id"] for row in search_all(user=user, query="homework")}

    assert found(UserFactory()) == set()  # not a member of the room
    assert held.pk not in found(owner)
    assert shown.pk in found(owner)
    assert {held.pk, shown.pk} <= found(member)  # the author finds their own, held or not
