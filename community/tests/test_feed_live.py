"""/ws/groups/<id>/feed/: a group's pages hear new posts and comments (ids only), published
content only, readers of the group only."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.tests.factories import UserFactory
from community.models import Post
from community.selectors.posts import group_access_get
from community.services.posts import comment_create, content_keep, post_create
from community.tests.factories import client_for, topic_group
from community.tests.test_chat_consumer import HEADERS, cookie_for, receive
from kalpla.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

THREAT = "I will kill you if the homework is late again"


async def connect_feed(user, group) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application,
        f"/ws/groups/{group.pk}/feed/",
        headers=[*HEADERS, (b"cookie", await cookie_for(user))],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    await communicator.send_json_to({"type": "ping", "id": "ready"})  # in its group once answered
    assert (await receive(communicator, "pong"))["id"] == "ready"
    return communicator


@database_sync_to_async
def write_post(group, author, body: str) -> Post:
    access = group_access_get(group_id=group.pk, user=author)
    return post_create(access=access, author=author, body=body)


@database_sync_to_async
def write_comment(post, author, body: str):
    access = group_access_get(group_id=post.group_id, user=author)
    return comment_create(post=post, access=access, author=author, body=body)


async def test_readers_hear_new_posts_and_comments_by_id_only():
    owner, member = await database_sync_to_async(UserFactory.create_batch)(2)
    group, _room = await database_sync_to_async(topic_group)(owner=owner, members=(member,))
    listening = await connect_feed(owner, group)
    post = await write_post(group, member, "A question about week 2")
    heard = await receive(listening, "post.new")
    assert heard["payload"] == {
        "group_id": group.pk,
        "post_id": post.pk,
        "channel_id": None,
        "author_id": member.pk,
    }
    comment = await write_comment(post, member, "More detail")
    said = await receive(listening, "comment.new")
    assert said["payload"]["comment_id"] == comment.pk and said["payload"]["post_id"] == post.pk
    await listening.disconnect()


async def test_held_posts_are_announced_only_once_approved(settings):
    settings.KALPLA_MODERATION_NEW_ACCOUNT_POSTS = 0
    owner, member = await database_sync_to_async(UserFactory.create_batch)(2)
    group, _room = await database_sync_to_async(topic_group)(owner=owner, members=(member,))
    listening = await connect_feed(owner, group)
    held = await write_post(group, member, THREAT)
    assert held.status == "held"
    assert await listening.receive_nothing(timeout=0.5)
    await database_sync_to_async(content_keep)(held, owner)
    assert (await receive(listening, "post.new"))["payload"]["post_id"] == held.pk
    await listening.disconnect()


async def test_outsiders_of_a_private_group_are_refused():
    owner, outsider = await database_sync_to_async(UserFactory.create_batch)(2)
    group, _room = await database_sync_to_async(topic_group)(owner=owner)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/groups/{group.pk}/feed/",
        headers=[*HEADERS, (b"cookie", await cookie_for(outsider))],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected  # accepted, then closed: the socket learns why
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}


def test_feed_and_post_pages_offer_new_content_live(db):
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    access = group_access_get(group_id=group.pk, user=owner)
    post = post_create(access=access, author=owner, body="Hello")
    client = client_for(owner)
    feed = client.get(f"/groups/{group.pk}/").content.decode()
    assert f'data-feed-live="{group.pk}"' in feed and 'data-kind="post"' in feed
    page = client.get(f"/groups/{group.pk}/posts/{post.pk}/").content.decode()
    assert 'data-kind="comment"' in page and f'data-post="{post.pk}"' in page
