"""Posts and comments go through the same moderation as chat: screened when written (a
threatening post is held for its author and moderators only), muted and banned members write
nothing, anyone may report them, and search never shows others' held posts."""

import pytest

from accounts.tests.factories import UserFactory
from community.models import ModerationStatus, Report, Sanction
from community.selectors.posts import group_access_get, group_feed
from community.selectors.search import search_all
from community.services.reports import report_create
from community.tests.factories import comment_on, post_in, topic_group
from kalpla.exceptions import PermissionDenied
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db

THREAT = "I will kill you if the homework is late again"


def _feed_ids(group, viewer):
    access = group_access_get(group_id=group.pk, user=viewer)
    return {post.pk for post in group_feed(access=access, viewer=viewer)}


def test_a_threatening_post_is_held_and_queued_and_others_do_not_see_it():
    owner, author, reader = UserFactory(), UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(author, reader))
    fine = post_in(group, author, "Homework 3 is posted, see the lesson")
    held = post_in(group, author, THREAT)
    assert fine.status == ModerationStatus.PUBLISHED
    assert held.status == ModerationStatus.HELD
    assert ModerationItem.objects.filter(object_id=str(held.pk), status="pending").exists()
    assert _feed_ids(group, reader) == {fine.pk}
    assert _feed_ids(group, author) == {fine.pk, held.pk}  # marked held on the page
    assert {r["hit_id"] for r in search_all(user=reader, query="homework")} == {fine.pk}


def test_a_threatening_comment_is_held_too():
    owner, author = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(author,))
    post = post_in(group, owner, "Questions about the quiz?")
    assert comment_on(post, author, THREAT).status == ModerationStatus.HELD


def test_a_muted_member_cannot_post_comment_or_edit():
    owner, member = UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(member,))
    post = post_in(group, member, "Before the mute")
    Sanction.objects.create(user=member, kind=Sanction.Kind.MUTE, group=group)
    with pytest.raises(PermissionDenied) as refused:
        post_in(group, member, "After the mute")
    assert refused.value.code == "muted"
    with pytest.raises(PermissionDenied):
        comment_on(post, member, "A comment")


def test_anyone_in_the_group_can_report_a_post_and_a_comment():
    owner, author, reader = UserFactory(), UserFactory(), UserFactory()
    group, _room = topic_group(owner=owner, members=(author, reader))
    post = post_in(group, author, "Buy cheap essays at my site")
    comment = comment_on(post, author, "Really cheap")
    report_create(reporter=reader, kind="post", object_id=post.pk, reason="spam")
    report_create(reporter=reader, kind="comment", object_id=comment.pk, reason="spam")
    assert Report.objects.filter(reporter=reader).count() == 2
    assert ModerationItem.objects.filter(reason="reported", status="pending").count() == 2
