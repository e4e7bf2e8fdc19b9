"""@mentions in posts and comments: members are told through notify(), their preferences
apply, outsiders and people blocking the author are not."""

import pytest

from accounts.tests.factories import UserFactory
from community.models import Block
from community.services import posts as services
from community.tests.factories import comment_on, post_in, topic_group
from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def _mentions(user):
    return list(Notification.objects.filter(recipient=user, kind="community.mention"))


def test_mention_handles_are_found_in_text():
    text = "Hi @RaviKumar and @asha, mail me at a@b.com; @asha again. @user12."
    assert services.mention_handles(text) == ["ravikumar", "asha", "user12"]


def test_a_post_mentioning_members_notifies_them_after_commit(django_capture_on_commit_callbacks):
    author = UserFactory(name="Meera Rao")
    ravi, asha = UserFactory(name="Ravi Kumar"), UserFactory(name="Asha")
    outsider = UserFactory(name="Zed")
    group, _room = topic_group(owner=author, members=(ravi, asha), name="Circle")
    with django_capture_on_commit_callbacks(execute=True):
        post = post_in(group, author, f"Ping @ravikumar @user{asha.pk} @zed @meerarao")
    [note] = _mentions(ravi)
    assert note.url == f"/groups/{group.pk}/posts/{post.pk}/"
    assert "Meera Rao" in note.title and len(_mentions(asha)) == 1
    assert not _mentions(outsider) and not _mentions(author)


def test_a_comment_mention_links_to_the_comment(django_capture_on_commit_callbacks):
    author, ravi = UserFactory(name="Meera"), UserFactory(name="Ravi")
    group, _room = topic_group(owner=author, members=(ravi,))
    post = post_in(group, author)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_on(post, author, "@ravi what do you think?")
    [note] = _mentions(ravi)
    assert note.url.endswith(f"#comment-{comment.pk}")


def test_an_edit_notifies_only_newly_mentioned(django_capture_on_commit_callbacks):
    author, ravi, asha = (
        UserFactory(name="Meera"),
        UserFactory(name="Ravi"),
        UserFactory(name="Asha"),
    )
    group, _room = topic_group(owner=author, members=(ravi, asha))
    with django_capture_on_commit_callbacks(execute=True):
        post = post_in(group, author, "@ravi")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(post=post, user=author, body="@ravi and @asha")
    assert len(_mentions(ravi)) == 1 and len(_mentions(asha)) == 1


def test_preferences_and_blocks_are_respected(django_capture_on_commit_callbacks):
    author = UserFactory(name="Meera")
    quiet, blocker = UserFactory(name="Quiet"), UserFactory(name="Blocker")
    group, _room = topic_group(owner=author, members=(quiet, blocker))
    for channel in ("in_app", "email", "push"):
        NotificationPreference.objects.create(
            user=quiet, category="community", channel=channel, enabled=False
        )
    Block.objects.create(blocker=blocker, blocked=author)
    with django_capture_on_commit_callbacks(execute=True):
        post_in(group, author, "@quiet @blocker")
    assert not _mentions(quiet) and not _mentions(blocker)


def test_held_content_mentions_are_told_when_a_moderator_keeps_it(
    django_capture_on_commit_callbacks,
):
    from community.models import ModerationStatus

    author, ravi = UserFactory(name="Meera"), UserFactory(name="Ravi")
    group, _room = topic_group(owner=author, members=(ravi,))
    post = post_in(group, author, "quiet")
    services.content_status_set(post, ModerationStatus.HELD)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(post=post, user=author, body="@ravi look")
    assert not _mentions(ravi)  # held: nobody is told yet
    post.refresh_from_db()  # as the queue loads it
    with django_capture_on_commit_callbacks(execute=True):
        services.content_keep(post, UserFactory(roles=("Moderator",)))
    assert len(_mentions(ravi)) == 1
