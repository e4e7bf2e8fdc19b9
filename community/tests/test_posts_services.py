"""Posts and comments: rules of the services and what the selectors show to whom."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.tests.factories import UserFactory
from community.models import Comment, ModerationStatus, Post, PostEdit
from community.selectors import posts as selectors
from community.services import posts as services
from community.tests.factories import comment_on, post_in, topic_group
from kalpla.exceptions import Conflict, NotFound, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


def _access(group, user):
    return selectors.group_access_get(group_id=group.pk, user=user)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_post_create_renders_markdown_safely_and_marks_the_author_seen():
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    post = post_in(group, owner, "**hi** <script>alert(1)</script>", title="Welcome")
    assert "<strong>hi</strong>" in post.body_html and "<script>" not in post.body_html
    assert selectors.feed_marker_get(group_id=group.pk, user=owner) == post.pk


def test_post_create_refuses_non_members_and_empty_text():
    owner, outsider = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner)
    group.visibility = "public"
    group.save()
    with pytest.raises(PermissionDenied):
        post_in(group, outsider)
    with pytest.raises(ValidationError) as error:
        post_in(group, owner, "   ")
    assert "body" in error.value.errors


def test_private_group_is_not_found_for_outsiders_and_public_is_readable():
    owner, outsider = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner)
    post = post_in(group, owner)
    with pytest.raises(NotFound):
        selectors.group_access_get(group_id=group.pk, user=outsider)
    with pytest.raises(NotFound):
        selectors.post_get(post_id=post.pk, user=outsider)
    group.visibility = "public"
    group.save()
    assert selectors.post_get(post_id=post.pk, user=outsider)[0] == post


def test_post_in_a_channel_of_another_group_is_refused():
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    other, _other_room = topic_group(owner=owner, name="Other")
    with pytest.raises(ValidationError) as error:
        post_in(group, owner, channel_id=other.channels.get().pk)
    assert "channel_id" in error.value.errors
    post = post_in(group, owner, channel_id=group.channels.get().pk)
    assert post.channel.slug == "general"


def test_attachments_are_checked_by_content():
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    post = post_in(group, owner, files=[_png()])
    attachment = post.attachments.get()
    assert attachment.is_image and (attachment.width, attachment.height) == (4, 3)
    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        post_in(group, owner, files=[fake])
    assert "attachments" in error.value.errors


def test_edit_keeps_history_and_only_the_author_edits():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    post = post_in(group, member, "first", title="T")
    with pytest.raises(PermissionDenied):
        services.post_edit(post=post, user=owner, body="hijack")
    services.post_edit(post=post, user=member, body="second")
    post.refresh_from_db()
    assert post.body == "second" and post.edited_at is not None
    assert list(PostEdit.objects.filter(post=post).values_list("body", flat=True)) == ["first"]


def test_delete_leaves_a_tombstone_out_of_the_feed():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    post = post_in(group, member)
    comment_on(post, owner)
    owners_post = post_in(group, owner)
    with pytest.raises(PermissionDenied):
        services.post_delete(post=owners_post, user=member, access=_access(group, member))
    services.post_delete(post=post, user=owner, access=_access(group, owner))  # a group owner
    feed = selectors.group_feed(access=_access(group, member), viewer=member)
    assert [p.pk for p in feed] == [owners_post.pk]
    shown, _a = selectors.post_get(post_id=post.pk, user=member)
    assert shown.is_deleted and shown.comment_count == 1
    with pytest.raises(Conflict):
        comment_on(post, member)


def test_pin_and_lock_are_for_group_managers():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    old = post_in(group, member, "old")
    new = post_in(group, member, "new")
    with pytest.raises(PermissionDenied):
        services.post_pin(post=old, user=member, access=_access(group, member))
    services.post_pin(post=old, user=owner, access=_access(group, owner))
    feed = list(selectors.group_feed(access=_access(group, member), viewer=member))
    assert [p.pk for p in feed] == [old.pk, new.pk]
    services.post_lock(post=new, user=owner, access=_access(group, owner))
    with pytest.raises(Conflict) as error:
        comment_on(new, member)
    assert error.value.code == "locked"


def test_replies_nest_to_the_maximum_depth():
    owner = UserFactory()
    group, _room = topic_group(owner=owner)
    post = post_in(group, owner)
    parent = comment_on(post, owner, "0")
    for n in range(1, services.MAX_DEPTH + 2):
        parent = comment_on(post, owner, str(n), parent_id=parent.pk)
    depths = list(Comment.objects.filter(post=post).order_by("id").values_list("depth", flat=True))
    assert depths == [0, 1, 2, 3, 4, 4]
    post.refresh_from_db()
    assert post.comment_count == 6
    tree = selectors.comment_tree(
        selectors.comment_list(post=post, viewer=owner, can_moderate=True)
    )
    assert len(tree) == 1 and len(tree[0].children) == 1


def test_reactions_and_bookmarks_are_idempotent():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    post = post_in(group, owner)
    for _ in range(2):
        services.reaction_set(target=post, user=member, access=_access(group, member), emoji="👍")
        services.bookmark_set(post=post, user=member)
    assert post.reactions.count() == 1 and post.bookmarks.count() == 1
    assert [b.post_id for b in selectors.bookmark_list(user=member)] == [post.pk]
    with pytest.raises(ValidationError):
        services.reaction_set(target=post, user=member, access=_access(group, member), emoji="a b")
    services.bookmark_set(post=post, user=member, on=False)
    assert not selectors.bookmark_list(user=member).exists()


def test_unread_markers_per_group():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    other, _r = topic_group(owner=owner, members=(member,), name="Other")
    post_in(group, owner, "a")
    newest = post_in(group, owner, "b")
    post_in(other, member, "mine")
    counts = {g.pk: g.unread for g in selectors.feed_unread_counts(user=member)}
    assert counts == {group.pk: 2, other.pk: 0}
    feed = {p.pk: p.last_seen_post_id for p in selectors.my_feed(user=member)}
    assert feed[newest.pk] == 0
    services.feed_mark_seen(group_id=group.pk, user=member)
    assert {g.pk: g.unread for g in selectors.feed_unread_counts(user=member)}[group.pk] == 0
    # the marker never moves back
    assert services.feed_mark_seen(group_id=group.pk, user=member, post_id=1) == newest.pk


def test_held_content_shows_to_its_author_and_moderators_only():
    owner, member, reader = UserFactory(), UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member, reader))
    post = post_in(group, member, "held one")
    services.content_status_set(post, ModerationStatus.HELD)
    comment = comment_on(post_in(group, owner), member, "held comment")
    services.content_status_set(comment, ModerationStatus.HELD)

    def feed_ids(user):
        return [p.pk for p in selectors.group_feed(access=_access(group, user), viewer=user)]

    assert post.pk in feed_ids(member) and post.pk in feed_ids(owner)
    assert post.pk not in feed_ids(reader)
    assert post.pk not in [p.pk for p in selectors.my_feed(user=reader)]
    with pytest.raises(NotFound):
        selectors.post_get(post_id=post.pk, user=reader)
    with pytest.raises(NotFound):
        selectors.comment_get(comment_id=comment.pk, user=reader)
    assert selectors.comment_get(comment_id=comment.pk, user=member)[0] == comment
    services.content_hide(post, owner)
    assert post.pk not in feed_ids(member)
    services.content_keep(comment, owner)
    assert Comment.objects.get(pk=comment.pk).status == "published"


def test_posts_and_comments_are_in_the_moderation_registry():
    from moderation.services import moderation_can_hide, moderation_target_describe

    owner = UserFactory(name="Ravi")
    group, _room = topic_group(owner=owner, name="Circle")
    post = post_in(group, owner, "Body text", title="Hello")
    comment = comment_on(post, owner, "A comment")
    described = moderation_target_describe(post)
    assert described.kind == "post" and "Circle" in described.title
    assert described.url == f"/groups/{group.pk}/posts/{post.pk}/"
    assert moderation_target_describe(comment).url.endswith(f"#comment-{comment.pk}")
    assert moderation_can_hide(post) and moderation_can_hide(comment)
    assert Post.objects.filter(pk=post.pk).exists()


def test_a_reported_post_shows_in_the_queue_and_hiding_it_takes_it_out_of_the_feed(client):
    from moderation.models import ModerationItem
    from moderation.services import moderation_flag

    owner, member = UserFactory(), UserFactory(name="Ravi")
    moderator = UserFactory(roles=("Moderator",))
    group, _room = topic_group(owner=owner, members=(member,), name="Circle")
    post = post_in(group, member, "Rude words here", title="Rant")
    comment = comment_on(post, member, "More rude words")
    item = moderation_flag(target=post, reason=ModerationItem.Reason.REPORTED, source="report")
    moderation_flag(target=comment, reason=ModerationItem.Reason.REPORTED, source="report")
    client.force_login(moderator)
    queue = client.get("/moderation/").content.decode()
    assert "Post “Rant” in Circle" in queue and "Comment on “Rant” in Circle" in queue
    assert "More rude words" in queue
    client.post(f"/moderation/{item.pk}/decide/", {"action": "hide", "status": "pending"})
    post.refresh_from_db()
    assert post.status == ModerationStatus.HIDDEN
    feed = selectors.group_feed(access=_access(group, owner), viewer=owner)
    assert post.pk not in [p.pk for p in feed]
