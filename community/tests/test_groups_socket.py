"""Membership changes of topic groups reach open chat sockets (real Redis channel layer)."""

import pytest
from channels.db import database_sync_to_async

from accounts.tests.factories import UserFactory
from community.services import membership
from community.tests.test_chat_consumer import closed_with, connect, receive

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def public_group_with_member():
    owner, member = UserFactory(), UserFactory()
    group = membership.topic_group_create(user=owner, name="Open", visibility="public")
    membership.group_join(group=group, user=member)
    return group, group.channels.get(slug="general").room, owner, member


async def test_member_removed_by_a_moderator_has_its_socket_closed_with_4403():
    group, room, owner, member = await public_group_with_member()
    socket = await connect(member, room)
    await database_sync_to_async(membership.member_remove)(
        group=group, user=owner, member_id=member.pk
    )
    assert (await receive(socket, "room.removed"))["payload"] == {"room_id": room.pk}
    assert await closed_with(socket) == 4403


async def test_leaving_a_group_closes_ones_own_socket():
    group, room, _owner, member = await public_group_with_member()
    socket = await connect(member, room)
    await database_sync_to_async(membership.group_leave)(group=group, user=member)
    assert await closed_with(socket) == 4403
