"""Posts on the site: the group home (feed, composer, channel filter, "New" marks), the post
page with its comment threads and its plain-form actions, the my-groups feed, bookmarks."""

import pytest

from accounts.tests.factories import UserFactory
from community.models import Bookmark, Comment, Post, PostEdit
from community.selectors.posts import group_access_get
from community.services import posts as services
from community.tests.factories import client_for, comment_on, post_in, topic_group

pytestmark = pytest.mark.django_db


def test_group_home_shows_the_feed_marks_new_posts_and_then_marks_them_seen():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,), name="Circle")
    post_in(group, owner, "Welcome everyone", title="Hello circle")
    client = client_for(member)
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Hello circle" in page and ">New<" in page and 'id="composer"' in page
    again = client.get(f"/groups/{group.pk}/").content.decode()
    assert ">New<" not in again


def test_outsiders_get_404_on_private_groups_and_read_only_public_ones():
    owner, outsider = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner)
    post = post_in(group, owner)
    client = client_for(outsider)
    assert client.get(f"/groups/{group.pk}/").status_code == 404
    assert client.get(f"/groups/{group.pk}/posts/{post.pk}/").status_code == 404
    group.visibility = "public"
    group.save()
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Join it to post" in page and 'id="composer"' not in page
    assert ">New<" not in page  # readers outside the group have no marker
    assert client.post(f"/groups/{group.pk}/posts/new/", {"body": "hi"}).status_code == 403


def test_composer_posts_and_redisplays_errors():
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    client = client_for(owner)
    bad = client.post(f"/groups/{group.pk}/posts/new/", {"body": "  ", "title": "Kept"})
    assert bad.status_code == 400 and 'value="Kept"' in bad.content.decode()
    channel = group.channels.get()
    done = client.post(
        f"/groups/{group.pk}/posts/new/", {"body": "Real *post*", "channel": channel.pk}
    )
    post = Post.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/groups/{group.pk}/posts/{post.pk}/"
    assert post.channel == channel
    filtered = client.get(f"/groups/{group.pk}/?channel={channel.pk}").content.decode()
    assert "Real" in filtered


def test_post_page_threads_comments_and_tombstones():
    owner, member = UserFactory(), UserFactory(name="Asha")
    group, _room = topic_group(owner=owner, members=(member,))
    post = post_in(group, owner, "Question")
    client = client_for(member)
    url = f"/groups/{group.pk}/posts/{post.pk}/"
    response = client.post(url + "comments/", {"body": "Top"})
    top = Comment.objects.get()
    assert response["Location"] == url + f"#comment-{top.pk}"
    client.post(url + "comments/", {"body": "Reply", "parent_id": top.pk})
    client.post(url + f"comments/{top.pk}/react/", {"emoji": "🎉", "on": "1"})
    assert top.reactions.get().emoji == "🎉"
    partial = client.post(
        url + f"comments/{top.pk}/react/", {"emoji": "🎉"}, HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200 and not top.reactions.exists()
    client.post(url + f"comments/{top.pk}/delete/")
    page = client.get(url).content.decode()
    assert "This comment was deleted." in page and "Reply" in page
    assert "comments--nested" in page
    client_for(owner).post(url + "delete/")
    assert "This post was deleted." in client.get(url).content.decode()


def test_post_actions_from_the_page():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    post = post_in(group, member, "Mine")
    url = f"/groups/{group.pk}/posts/{post.pk}/"
    client = client_for(member)
    client.post(url + "react/", {"emoji": "👍", "on": "1"})
    client.post(url + "bookmark/", {"value": "1"})
    assert post.reactions.count() == 1 and Bookmark.objects.filter(user=member).exists()
    partial = client.post(url + "react/", {"emoji": "👍"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "data-reactions" in partial.content.decode()
    assert post.reactions.count() == 0
    bad = client.post(url + "react/", {"emoji": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and bad.json()["errors"]["emoji"]
    edit = client.post(url + "edit/", {"title": "", "body": "Mine, edited"})
    assert edit.status_code == 302 and PostEdit.objects.filter(post=post).exists()
    assert "Edited once" in client.get(url).content.decode()
    # a member cannot pin; the owner can
    assert client.post(url + "pin/", {"value": "1"}).status_code == 403
    client_for(owner).post(url + "pin/", {"value": "1"})
    client_for(owner).post(url + "lock/", {"value": "1"})
    post.refresh_from_db()
    assert post.is_pinned and post.is_locked
    assert "no new comments" in client.get(url).content.decode()
    assert client_for(owner).get(url + "edit/").status_code == 404  # not the author


def test_my_feed_and_bookmarks_pages():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,), name="Circle")
    post = post_in(group, owner, "Big news", title="News")
    client = client_for(member)
    page = client.get("/feed/").content.decode()
    assert "News" in page and "Circle" in page and "new posts" in page
    assert "No bookmarks yet" in client.get("/feed/bookmarks/").content.decode()
    services.bookmark_set(post=post, user=member)
    assert "News" in client.get("/feed/bookmarks/").content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_pages_run_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    people = [UserFactory(name=f"P{n}") for n in range(size)]
    group, _room = topic_group(owner=people[0], members=tuple(people[1:]))
    for n in range(size):
        post = post_in(group, people[n % size], f"post {n}")
        parent = None
        for m in range(size):
            parent = comment_on(post, people[m % size], f"c{m}", parent_id=parent and parent.pk)
            services.reaction_set(
                target=parent,
                user=people[m % size],
                access=group_access_get(group_id=group.pk, user=people[m % size]),
                emoji="👍",
            )
        for person in people:
            access = group_access_get(group_id=group.pk, user=person)
            services.reaction_set(target=post, user=person, access=access, emoji="🎉")
            services.bookmark_set(post=post, user=person)
    client = client_for(people[0])
    client.get("/feed/")  # the session's first request records the session
    for url in (
        f"/groups/{group.pk}/",
        f"/groups/{group.pk}/posts/{post.pk}/",
        "/feed/",
        "/feed/bookmarks/",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_composer_takes_image_attachments_shown_to_members_only():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    owner, member, outsider = UserFactory(), UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), "green").save(buffer, "PNG")
    image = SimpleUploadedFile("garden.png", buffer.getvalue(), content_type="image/png")
    client = client_for(owner)
    client.post(f"/groups/{group.pk}/posts/new/", {"body": "Look", "attachments": [image]})
    post = Post.objects.get()
    page = client_for(member).get(f"/groups/{group.pk}/").content.decode()
    assert 'alt="garden.png"' in page
    link = page.split('alt="garden.png"')[0].rsplit('src="', 1)[1].split('"')[0]
    assert client_for(member).get(link).status_code == 200
    assert client_for(outsider).get(link).status_code in (403, 404)
    services.post_delete(
        post=post, user=owner, access=group_access_get(group_id=group.pk, user=owner)
    )
    assert client_for(member).get(link).status_code == 404
