"""Search over what a user may read: their rooms only, no deleted messages, ranked, paged."""

import pytest

from accounts.tests.factories import UserFactory
from community.selectors import search
from community.services.messages import message_delete
from community.tests.factories import client_for, direct_room, send, topic_group

pytestmark = pytest.mark.django_db


def test_search_finds_only_messages_of_my_rooms_and_not_deleted_ones():
    me, friend, stranger = UserFactory(), UserFactory(), UserFactory()
    _group, room = topic_group(owner=me, members=(friend,), name="Python circle")
    _other, elsewhere = topic_group(owner=stranger, name="Secret")
    mine = send(room, friend, "The loops exercise is hard")
    gone = send(room, friend, "loops again, deleted")
    message_delete(message=gone, user=friend)
    send(elsewhere, stranger, "loops in a room I am not in")
    dm = direct_room(me, friend)
    private = send(dm, friend, "Loops tip just for you")
    body = client_for(me).get("/api/v1/search/?q=loops").json()
    ids = {hit["id"] for hit in body["results"]}
    assert ids == {mine.pk, private.pk}
    hit = next(h for h in body["results"] if h["id"] == mine.pk)
    assert hit["kind"] == "message" and hit["title"] == "#general · Python circle"
    assert hit["url"] == f"/chat/{room.pk}/#message-{mine.pk}"
    assert hit["author"]["id"] == friend.pk
    assert client_for(stranger).get("/api/v1/search/?q=tip").json()["results"] == []


def test_search_ranks_better_matches_first_and_an_empty_query_finds_nothing():
    me = UserFactory()
    _group, room = topic_group(owner=me)
    weak = send(room, me, "a long note where python appears once among many other words here")
    strong = send(room, me, "python python")
    body = client_for(me).get("/api/v1/search/?q=python").json()
    assert [h["id"] for h in body["results"]] == [strong.pk, weak.pk]
    assert body["count"] == 2
    assert client_for(me).get("/api/v1/search/?q=").json()["results"] == []
    assert client_for(me).get("/api/v1/search/?q=python&kind=nothing").json()["count"] == 0


def test_search_fallback_matches_every_word_case_insensitively(monkeypatch):
    me = UserFactory()
    _group, room = topic_group(owner=me)
    both = send(room, me, "Loops and Lists")
    send(room, me, "only loops")
    monkeypatch.setattr(search, "is_postgresql", lambda: False)
    rows = search.search_all(user=me, query="lists LOOPS")
    assert [h.id for h in search.search_hits(rows[:10], user=me)] == [both.pk]


def test_search_registry_combines_sources(monkeypatch):
    """A second source (as posts will be) is ranked with the messages in one list."""
    me = UserFactory()
    _group, room = topic_group(owner=me)
    message = send(room, me, "quiz tomorrow")
    source = search.SOURCES["message"]
    twin = search.SearchSource(
        kind="twin",
        rows=lambda user, query: search.search_rows(
            search.messages_readable(user=user),
            kind="twin",
            query=query,
            text_field="body",
            vector=search._message_vector(),
        ),
        load=source.load,
    )
    monkeypatch.setitem(search.SOURCES, "twin", twin)
    rows = list(search.search_all(user=me, query="quiz"))
    assert sorted((r["hit_kind"], r["hit_id"]) for r in rows) == [
        ("message", message.pk),
        ("twin", message.pk),
    ]
    assert len(search.search_hits(rows, user=me)) == 2


def test_search_query_count_is_bounded(django_assert_max_num_queries):
    me = UserFactory()
    _group, room = topic_group(owner=me)
    client = client_for(me)
    for n in range(3):
        send(room, me, f"hello {n}")
    with django_assert_max_num_queries(11):
        assert client.get("/api/v1/search/?q=hello").status_code == 200
    for n in range(30):
        send(room, me, f"hello again {n}")
    with django_assert_max_num_queries(11):
        assert len(client.get("/api/v1/search/?q=hello").json()["results"]) == 20
    with django_assert_max_num_queries(14):
        page = client.get("/search/community/?q=hello")
    assert page.status_code == 200 and b"hello again 29" in page.content
