"""Chat rows for tests: groups with their general channel, direct rooms, messages."""

from typing import Any

from django.test import Client

from community.models import Room
from community.services.direct import direct_room_start
from community.services.groups import group_create, group_member_add
from community.services.messages import message_send


def topic_group(*, owner: Any, members: tuple[Any, ...] = (), name: str = "Study circle") -> Any:
    """A private topic group with its general channel; returns (group, general room)."""
    group = group_create(name=name, owner=owner)
    for user in members:
        group_member_add(group=group, user=user)
    return group, group.channels.get(slug="general").room


def direct_room(user: Any, *others: Any) -> Room:
    """A conversation between people who share a group (made for them)."""
    topic_group(owner=user, members=others, name="Friends")
    room, _created = direct_room_start(user=user, other_ids=[o.pk for o in others])
    return room


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(room: Room, author: Any, body: str = "Hello", **kwargs: Any) -> Any:
    message, _created = message_send(room=room, author=author, body=body, **kwargs)
    return message


def post_in(group: Any, author: Any, body: str = "Hello group", **kwargs: Any) -> Any:
    """A post by a member of ``group`` (through the service)."""
    from community.selectors.posts import group_access_get
    from community.services.posts import post_create

    access = group_access_get(group_id=group.pk, user=author)
    return post_create(access=access, author=author, body=body, **kwargs)


def comment_on(post: Any, author: Any, body: str = "Nice", **kwargs: Any) -> Any:
    from community.selectors.posts import group_access_get
    from community.services.posts import comment_create

    access = group_access_get(group_id=post.group_id, user=author)
    return comment_create(post=post, access=access, author=author, body=body, **kwargs)
