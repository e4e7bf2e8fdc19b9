"""The chat's lists run the same number of queries whatever the data: room history (API and
page) and the rooms list (API and page), measured at two sizes of messages, replies,
reactions, members and rooms, must be equal, not merely under a ceiling."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from community.services.direct import direct_room_start
from community.services.messages import message_edit, reaction_set
from community.tests.factories import client_for, send, topic_group

pytestmark = pytest.mark.django_db

EMOJIS = ("👍", "🎉", "❤️", "😂")


@dataclass(frozen=True)
class Size:
    members: int
    messages: int
    reactions: int  # per message, each by another member
    rooms: int  # rooms of the viewer besides the measured one
    directs: int


SMALL = Size(members=2, messages=3, reactions=1, rooms=1, directs=1)
LARGE = Size(members=12, messages=70, reactions=4, rooms=8, directs=5)


@dataclass
class World:
    client: Client
    room_id: int


def world(size: Size) -> World:
    viewer = UserFactory()
    members = UserFactory.create_batch(size.members)
    _group, room = topic_group(owner=viewer, members=tuple(members), name="Measured")
    first = None
    for n in range(size.messages):
        author = members[n % size.members]
        message = send(room, author, f"message {n}", parent_id=first.pk if n % 5 == 4 else None)
        first = first or message
        for k in range(size.reactions):
            reaction_set(
                message=message, user=members[(n + k + 1) % size.members], emoji=EMOJIS[k % 4]
            )
        if n % 7 == 3:
            message_edit(message=message, user=author, body=f"message {n}, edited")
    for n in range(size.rooms):
        _g, other = topic_group(owner=viewer, members=tuple(members[:3]), name=f"Other {n}")
        send(other, members[0], "hello")
    for other in members[: size.directs]:
        direct, _created = direct_room_start(user=viewer, other_ids=[other.pk])
        send(direct, other, "hi")
    return World(client=client_for(viewer), room_id=room.pk)


PAGES: dict[str, Callable[[World], str]] = {
    "history API": lambda w: f"/api/v1/chat/rooms/{w.room_id}/messages/",
    "room page": lambda w: f"/chat/{w.room_id}/",
    "rooms API": lambda w: "/api/v1/chat/rooms/",
    "rooms page": lambda w: "/chat/",
}


def measure(w: World, url: str) -> tuple[int, Any]:
    w.client.get(url)  # first visit: session, caches, read marker
    with CaptureQueriesContext(connection) as captured:
        response = w.client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def test_chat_lists_run_the_same_queries_at_two_sizes(django_assert_max_num_queries):
    small, large = world(SMALL), world(LARGE)
    for page, url in PAGES.items():
        n_small, _response = measure(small, url(small))
        large.client.get(url(large))
        with django_assert_max_num_queries(n_small, info=page):
            response = large.client.get(url(large))
        assert response.status_code == 200, page
        n_large, _response = measure(large, url(large))
        assert n_large == n_small, f"{page}: {n_small} vs {n_large} queries"
        # the large world really is large where the page shows it
        if page == "history API":
            results = response.json()["results"]
            assert len(results) == 50 and sum(len(m["reactions"]) for m in results) >= 150
        elif page == "rooms API":
            assert response.json()["count"] == 1 + LARGE.rooms + LARGE.directs
