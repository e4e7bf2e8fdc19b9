"""Posts over the API: feeds with cursors, create (JSON and multipart), edit, delete, pin,
lock, react, bookmark, comments, unread markers; errors as API.md says; bounded queries."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.tests.factories import UserFactory
from community.models import ModerationStatus
from community.selectors.posts import group_access_get
from community.services import posts as services
from community.tests.factories import client_for, comment_on, post_in, topic_group

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_group_feed_is_pinned_first_then_newest_with_a_cursor():
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    posts = [post_in(group, owner, f"p{n}") for n in range(5)]
    services.post_pin(
        post=posts[1], user=owner, access=group_access_get(group_id=group.pk, user=owner)
    )
    client = client_for(owner)
    body = client.get(f"/api/v1/groups/{group.pk}/posts/?page_size=2").json()
    assert [p["id"] for p in body["results"]] == [posts[1].pk, posts[4].pk]
    assert body["results"][0]["pinned"] is True
    rest = client.get(body["next"]).json()
    assert [p["id"] for p in rest["results"]] == [posts[3].pk, posts[2].pk]
    last = client.get(rest["next"]).json()
    assert [p["id"] for p in last["results"]] == [posts[0].pk] and last["next"] is None


def test_create_edit_delete_over_the_api():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    client = client_for(member)
    url = f"/api/v1/groups/{group.pk}/posts/"
    created = client.post(url, {"title": "Q", "body": "**Why?**"}, content_type=JSON)
    assert created.status_code == 201
    post = created.json()
    assert post["body_html"] == "<p><strong>Why?</strong></p>" and post["can_edit"] is True
    edited = client.patch(f"/api/v1/posts/{post['id']}/", {"body": "Why not?"}, content_type=JSON)
    assert edited.status_code == 200 and edited.json()["edits"][0]["body"] == "**Why?**"
    refused = client_for(UserFactory()).patch(
        f"/api/v1/posts/{post['id']}/", {"body": "x"}, content_type=JSON
    )
    assert refused.status_code == 404  # a private group: outsiders learn nothing
    not_author = client_for(owner).patch(
        f"/api/v1/posts/{post['id']}/", {"body": "x"}, content_type=JSON
    )
    assert not_author.status_code == 403 and not_author.json()["code"] == "not_author"
    deleted = client_for(owner).delete(f"/api/v1/posts/{post['id']}/")
    assert deleted.status_code == 200
    assert deleted.json()["deleted"] is True and deleted.json()["body"] == ""


def test_bad_input_is_a_400_with_field_messages():
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    client = client_for(owner)
    url = f"/api/v1/groups/{group.pk}/posts/"
    empty = client.post(url, {"body": "  "}, content_type=JSON)
    assert empty.status_code == 400 and "body" in empty.json()["errors"]
    unknown = client.post(url, {"body": "x", "colour": "red"}, content_type=JSON)
    assert unknown.status_code == 400 and "colour" in unknown.json()["errors"]
    channel = client.post(url, {"body": "x", "channel_id": 2**62}, content_type=JSON)
    assert channel.status_code == 400 and "channel_id" in channel.json()["errors"]
    assert client.get("/api/v1/groups/99999999999999999999/posts/").status_code == 404


def test_multipart_post_with_an_image_attachment():
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    image = SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")
    response = client_for(owner).post(
        f"/api/v1/groups/{group.pk}/posts/", {"body": "Look", "attachments": [image]}
    )
    assert response.status_code == 201, response.content
    [attachment] = response.json()["attachments"]
    assert attachment["is_image"] and attachment["url"].startswith("/files/d/")
    assert client_for(owner).get(attachment["url"]).status_code == 200
    assert client_for(UserFactory()).get(attachment["url"]).status_code in (403, 404)


def test_pin_lock_react_bookmark_and_comments():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    post = post_in(group, owner)
    client = client_for(member)
    assert client.post(f"/api/v1/posts/{post.pk}/pin/", {}, content_type=JSON).status_code == 403
    pinned = client_for(owner).post(
        f"/api/v1/posts/{post.pk}/pin/", {"value": True}, content_type=JSON
    )
    assert pinned.json()["pinned"] is True
    react = client.post(f"/api/v1/posts/{post.pk}/reactions/", {"emoji": "🎉"}, content_type=JSON)
    assert react.json()["reactions"] == [{"emoji": "🎉", "count": 1, "mine": True}]
    mark = client.post(f"/api/v1/posts/{post.pk}/bookmark/", {}, content_type=JSON)
    assert mark.json()["bookmarked"] is True
    assert [p["id"] for p in client.get("/api/v1/me/bookmarks/").json()["results"]] == [post.pk]
    url = f"/api/v1/posts/{post.pk}/comments/"
    top = client.post(url, {"body": "First"}, content_type=JSON).json()
    reply = client.post(url, {"body": "Re", "parent_id": top["id"]}, content_type=JSON).json()
    assert reply["parent_id"] == top["id"] and reply["depth"] == 1
    listed = client.get(url).json()["results"]
    assert [c["id"] for c in listed] == [top["id"], reply["id"]]
    liked = client.post(
        f"/api/v1/comments/{reply['id']}/reactions/", {"emoji": "👍"}, content_type=JSON
    )
    assert liked.json()["reactions"] == [{"emoji": "👍", "count": 1, "mine": True}]
    gone = client.delete(f"/api/v1/comments/{top['id']}/").json()
    assert gone["deleted"] is True and gone["body"] == ""
    client_for(owner).post(f"/api/v1/posts/{post.pk}/lock/", {"value": True}, content_type=JSON)
    locked = client.post(url, {"body": "late"}, content_type=JSON)
    assert locked.status_code == 409 and locked.json()["code"] == "locked"


def test_my_feed_and_unread_counts():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,), name="Circle")
    first = post_in(group, owner, "one")
    second = post_in(group, owner, "two")
    client = client_for(member)
    feed = client.get("/api/v1/me/feed/").json()["results"]
    assert [(p["id"], p["is_new"]) for p in feed] == [(second.pk, True), (first.pk, True)]
    [row] = client.get("/api/v1/me/feed/groups/").json()
    assert (row["name"], row["unread"]) == ("Circle", 2)
    seen = client.post(
        f"/api/v1/groups/{group.pk}/posts/seen/", {"post_id": first.pk}, content_type=JSON
    )
    assert seen.json() == {"group_id": group.pk, "last_seen_post_id": first.pk}
    assert client.get("/api/v1/me/feed/groups/").json()[0]["unread"] == 1
    feed = client.get("/api/v1/me/feed/").json()["results"]
    assert [p["is_new"] for p in feed] == [True, False]


def test_held_post_is_marked_for_its_author_and_invisible_to_others():
    owner, member, reader = UserFactory(), UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member, reader))
    post = post_in(group, member, "held")
    services.content_status_set(post, ModerationStatus.HELD)
    mine = client_for(member).get(f"/api/v1/groups/{group.pk}/posts/").json()["results"]
    assert [(p["id"], p["status"]) for p in mine] == [(post.pk, "held")]
    assert client_for(reader).get(f"/api/v1/groups/{group.pk}/posts/").json()["results"] == []
    assert client_for(reader).get(f"/api/v1/posts/{post.pk}/").status_code == 404


def _fill(group, people, *, posts: int, comments: int) -> None:
    for n in range(posts):
        post = post_in(group, people[n % len(people)], f"post {n} @{people[0].name}")
        for m in range(comments):
            comment = comment_on(post, people[m % len(people)], f"c{m}")
            services.reaction_set(
                target=comment,
                user=people[0],
                access=group_access_get(group_id=group.pk, user=people[0]),
                emoji="🎉",
            )
        for person in people:
            services.reaction_set(
                target=post,
                user=person,
                access=group_access_get(group_id=group.pk, user=person),
                emoji="👍",
            )
            services.bookmark_set(post=post, user=person)


@pytest.mark.parametrize("size", [2, 12])
def test_feeds_and_comments_run_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    people = [UserFactory(name=f"P{n}") for n in range(size)]
    group, _room = topic_group(owner=people[0], members=tuple(people[1:]))
    _fill(group, people, posts=size, comments=size)
    post = group.posts.order_by("id").first()
    client = client_for(people[0])
    client.get("/api/v1/me/feed/groups/")  # the session's first request records the session
    for url in (
        f"/api/v1/groups/{group.pk}/posts/",
        "/api/v1/me/feed/",
        "/api/v1/me/feed/groups/",
        "/api/v1/me/bookmarks/",
        f"/api/v1/posts/{post.pk}/",
        f"/api/v1/posts/{post.pk}/comments/",
    ):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
