"""Posts and comments: write, edit (earlier text kept), delete (a tombstone stays), pin, lock,
react, bookmark, and the feed's "seen up to here" marker.

Bodies are Markdown rendered to HTML once, on write, through the site's sanitiser. Mentions
(``@ravikumar`` for Ravi Kumar, ``@user17`` for anyone) of the group's members are told
through notify() after the transaction commits (a Celery task), so their preferences apply.
"""

import re
from collections.abc import Iterable
from typing import Any

from celery import shared_task
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import track
from activity.verbs import Verb
from community.errors import field_error
from community.models import (
    Block,
    Bookmark,
    Channel,
    Comment,
    FeedMarker,
    GroupMembership,
    ModerationStatus,
    Post,
    PostAttachment,
    PostEdit,
)
from community.policies import (
    group_can_post,
    post_can_delete,
    post_can_edit,
    post_can_moderate,
)
from community.realtime import comment_new_publish, post_new_publish
from community.selectors.posts import GroupAccess, group_members_by_handle
from community.services.screening import (
    content_screen,
    published_counters,
    sanction_check,
    spam_duplicate_check,
    spam_rate_check,
)
from courses.markdown import render_markdown
from files.uploads import validate_upload
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from moderation.services import ModerationTarget
from notifications.services.notify import notify

MAX_TITLE_CHARS = 200
MAX_POST_CHARS = 20000
MAX_COMMENT_CHARS = 10000
MAX_EMOJI_CHARS = 32
MAX_ATTACHMENTS = 5
MAX_DEPTH = 4  # a reply to a comment this deep joins its parent's replies
MAX_MENTIONS = 20
MENTION = re.compile(r"(?<![\w@])@(\w[\w.'-]*\w|\w)")


def _clean_text(field: str, text: str, *, limit: int, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise field_error(field, empty, code="empty")
    if len(text) > limit:
        raise field_error(field, _("At most %(n)d characters.") % {"n": limit}, code="too_long")
    return text


def _html(text: str) -> str:
    return str(render_markdown(text, min_heading=3))


def mention_handles(text: str) -> list[str]:
    """The distinct handles mentioned in ``text`` (at most MAX_MENTIONS), in order."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        seen.setdefault(match.group(1).lower().rstrip(".'-"), None)
    return list(seen)[:MAX_MENTIONS]


def _mentioned_ids(*, group_id: int, text: str, author: Any, before: str = "") -> list[int]:
    """Members newly mentioned in ``text`` (not in ``before``, the text an edit replaced)."""
    handles = [h for h in mention_handles(text) if h not in set(mention_handles(before))]
    users = group_members_by_handle(group_id=group_id, handles=handles)
    return sorted({u.pk for u in users if u.pk != author.pk})


def _queue_mentions(*, ids: list[int], post_id: int, comment_id: int | None = None) -> None:
    if not ids:
        return
    transaction.on_commit(
        lambda: mentions_notify_task.delay(user_ids=ids, post_id=post_id, comment_id=comment_id)
    )


def _require_member(access: GroupAccess) -> None:
    if not group_can_post(role=access.role):
        raise PermissionDenied(_("Join the group to post and comment in it."), code="not_a_member")


def _attachment_info(file: Any) -> Any:
    try:
        return validate_upload(file, kind="image")
    except DjangoValidationError:
        pass
    try:
        return validate_upload(file, kind="document")
    except DjangoValidationError as exc:
        message = _("%(name)s: %(error)s") % {
            "name": getattr(file, "name", "file"),
            "error": " ".join(exc.messages),
        }
        raise field_error("attachments", message, code="file_type") from exc


@transaction.atomic
def post_create(
    *,
    access: GroupAccess,
    author: Any,
    body: str,
    title: str = "",
    channel_id: int | None = None,
    files: Iterable[Any] = (),
) -> Post:
    """A member's post in the group (in one of its channels when ``channel_id``), with up to
    MAX_ATTACHMENTS files (images and documents, checked by their content)."""
    _require_member(access)
    title = (title or "").strip()
    if len(title) > MAX_TITLE_CHARS:
        raise field_error("title", _("At most %(n)d characters.") % {"n": MAX_TITLE_CHARS})
    body = _clean_text("body", body, limit=MAX_POST_CHARS, empty=_("Write something first."))
    channel = None
    if channel_id is not None:
        channel = Channel.objects.filter(pk=channel_id, group_id=access.group.pk).first()
        if channel is None:
            raise field_error("channel_id", _("This group has no such channel."))
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise field_error("attachments", _("At most %(n)d files a post.") % {"n": MAX_ATTACHMENTS})
    infos = [_attachment_info(file) for file in files]
    _may_write(author=author, group_id=access.group.pk, text=f"{title}\n{body}")
    post = Post(
        group=access.group,
        channel=channel,
        author=author,
        title=title,
        body=body,
        body_html=_html(body),
    )
    post.full_clean()
    post.save()
    images: list[str] = []
    for file, info in zip(files, infos, strict=True):
        attachment = PostAttachment(
            post=post,
            file_name=(getattr(file, "name", "") or "file")[-200:],
            content_type=info.content_type,
            size=info.size,
            width=info.width,
            height=info.height,
        )
        file.seek(0)
        attachment.file.save(f"file{info.extension}", file, save=False)
        attachment.save()
        if info.width and attachment.file.name:  # an image: image moderation checks it too
            images.append(attachment.file.name)
    # Screened before anyone hears of it: a held post reaches its author and moderators only.
    content_screen(
        target=post,
        text=f"{title}\n{body}",
        author=author,
        group=access.group,
        images=tuple(images),
    )
    # The author has seen their own post.
    feed_mark_seen(group_id=access.group.pk, user=author, post_id=post.pk)
    if post.status == ModerationStatus.PUBLISHED:
        ids = _mentioned_ids(group_id=access.group.pk, text=f"{title}\n{body}", author=author)
        _queue_mentions(ids=ids, post_id=post.pk)
        _announce(post)
    track(
        actor=author,
        verb=Verb.POST_CREATED,
        object=post,
        context={"group": access.group.pk, "course": access.group.course_id},
    )
    return post


def _announce(target: Post | Comment) -> None:
    """Tell the group's open feed and post pages, on commit (published content only)."""
    if isinstance(target, Post):
        post_new_publish(
            group_id=target.group_id,
            post_id=target.pk,
            channel_id=target.channel_id,
            author_id=target.author_id,
        )
    else:
        comment_new_publish(
            group_id=target.post.group_id,
            post_id=target.post_id,
            comment_id=target.pk,
            author_id=target.author_id,
        )


def _may_write(*, author: Any, group_id: int, text: str) -> None:
    """Muted and banned members write nothing; the spam limits count posts and comments."""
    sanction_check(user=author, group_id=group_id)
    spam_rate_check(user=author, kind="post")
    spam_duplicate_check(user=author, text=text, where="post")


def _published_posts(author_id: int, limit: int) -> int:
    """How much of the author's group content is published (posts, then comments), up to
    ``limit``: a new account's first pieces are pre-moderated (screening)."""
    posts = Post.objects.filter(author_id=author_id, status=ModerationStatus.PUBLISHED)
    count = posts[:limit].count()
    if count < limit:
        comments = Comment.objects.filter(author_id=author_id, status=ModerationStatus.PUBLISHED)
        count += comments[: limit - count].count()
    return count


published_counters.append(_published_posts)


def _locked_post(post: Post) -> Post:
    return Post.objects.select_for_update().get(pk=post.pk)


@transaction.atomic
def post_edit(*, post: Post, user: Any, body: str, title: str | None = None) -> Post:
    """Change the text; the earlier text is kept (PostEdit). Authors only."""
    if not post_can_edit(user=user, author_id=post.author_id):
        raise PermissionDenied(_("Only the author can edit a post."), code="not_author")
    sanction_check(user=user, group_id=post.group_id)
    locked = _locked_post(post)
    if locked.is_deleted:
        raise ValidationError(_("A deleted post cannot be edited."), code="deleted")
    body = _clean_text("body", body, limit=MAX_POST_CHARS, empty=_("Write something first."))
    title = locked.title if title is None else title.strip()
    if len(title) > MAX_TITLE_CHARS:
        raise field_error("title", _("At most %(n)d characters.") % {"n": MAX_TITLE_CHARS})
    if body == locked.body and title == locked.title:
        return locked
    PostEdit.objects.create(post=locked, title=locked.title, body=locked.body)
    before = f"{locked.title}\n{locked.body}"
    locked.title, locked.body, locked.body_html = title, body, _html(body)
    locked.edited_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["title", "body", "body_html", "edited_at"])
    content_screen(target=locked, text=f"{title}\n{body}", author=user, group=locked.group)
    if locked.status == ModerationStatus.PUBLISHED:
        ids = _mentioned_ids(
            group_id=locked.group_id, text=f"{title}\n{body}", author=user, before=before
        )
        _queue_mentions(ids=ids, post_id=locked.pk)
    return locked


@transaction.atomic
def post_delete(*, post: Post, user: Any, access: GroupAccess) -> Post:
    """Soft delete: the post stays as a tombstone ("This post was deleted") with its
    comments; it leaves the feeds. Its author or a moderator; idempotent."""
    if not post_can_delete(user=user, author_id=post.author_id, role=access.role):
        raise PermissionDenied(
            _("Only the author or a moderator can delete a post."), code="not_author"
        )
    locked = _locked_post(post)
    if not locked.is_deleted:
        locked.deleted_at = timezone.now()
        locked.pinned_at = None
        locked.save(update_fields=["deleted_at", "pinned_at"])
    return locked


def _require_moderator(user: Any, access: GroupAccess, message: str) -> None:
    if not post_can_moderate(user=user, role=access.role):
        raise PermissionDenied(message, code="not_moderator")


@transaction.atomic
def post_pin(*, post: Post, user: Any, access: GroupAccess, pinned: bool = True) -> Post:
    """Pin the post to the top of its group's feed (or unpin it); idempotent."""
    _require_moderator(user, access, _("Only the group's owners and moderators pin posts."))
    locked = _locked_post(post)
    if locked.is_deleted:
        raise ValidationError(_("A deleted post cannot be pinned."), code="deleted")
    if pinned != locked.is_pinned:
        locked.pinned_at = timezone.now() if pinned else None
        locked.save(update_fields=["pinned_at"])
    return locked


@transaction.atomic
def post_lock(*, post: Post, user: Any, access: GroupAccess, locked: bool = True) -> Post:
    """Close the post to new comments (or open it again); idempotent."""
    _require_moderator(user, access, _("Only the group's owners and moderators lock posts."))
    row = _locked_post(post)
    if locked != row.is_locked:
        row.locked_at = timezone.now() if locked else None
        row.save(update_fields=["locked_at"])
    return row


def _clean_emoji(emoji: str) -> str:
    emoji = (emoji or "").strip()
    if not emoji or len(emoji) > MAX_EMOJI_CHARS or any(c.isspace() for c in emoji):
        raise field_error("emoji", _("Pick one emoji."), code="invalid")
    return emoji


@transaction.atomic
def reaction_set(
    *, target: Post | Comment, user: Any, access: GroupAccess, emoji: str, on: bool = True
) -> None:
    """Add (``on``) or take back the user's ``emoji`` on a post or comment; idempotent.
    Members of its group."""
    _require_member(access)
    sanction_check(user=user, group_id=access.group.pk)
    emoji = _clean_emoji(emoji)
    if target.is_deleted:
        raise ValidationError(_("Deleted content cannot get reactions."), code="deleted")
    # Both kinds of reaction hang off ``reactions``: the related manager fills in the target.
    if on:
        target.reactions.get_or_create(user=user, emoji=emoji)
    else:
        target.reactions.filter(user=user, emoji=emoji).delete()


@transaction.atomic
def bookmark_set(*, post: Post, user: Any, on: bool = True) -> bool:
    """Bookmark the post for later (or drop the bookmark); idempotent. Anyone who reads it."""
    if on:
        if post.is_deleted:
            raise ValidationError(_("A deleted post cannot be bookmarked."), code="deleted")
        Bookmark.objects.get_or_create(post=post, user=user)
    else:
        Bookmark.objects.filter(post=post, user=user).delete()
    return on


def post_flag_set(*, post: Post, user: Any, access: GroupAccess, flag: str, on: bool) -> None:
    """The post's ``pin``, ``lock`` or ``bookmark`` flag set (``on``) or unset, by its rule."""
    if flag == "pin":
        post_pin(post=post, user=user, access=access, pinned=on)
    elif flag == "lock":
        post_lock(post=post, user=user, access=access, locked=on)
    elif flag == "bookmark":
        bookmark_set(post=post, user=user, on=on)
    else:
        raise ValueError(f"Unknown post flag {flag!r}.")


@transaction.atomic
def comment_create(
    *, post: Post, access: GroupAccess, author: Any, body: str, parent_id: int | None = None
) -> Comment:
    """A member's comment on the post, or reply to one of its comments (``parent_id``).
    Locked and deleted posts take no new comments."""
    _require_member(access)
    body = _clean_text("body", body, limit=MAX_COMMENT_CHARS, empty=_("Write a comment first."))
    _may_write(author=author, group_id=access.group.pk, text=body)
    locked = _locked_post(post)
    if locked.is_deleted:
        raise Conflict(_("This post was deleted."), code="deleted")
    if locked.is_locked:
        raise Conflict(_("This post is locked: no new comments."), code="locked")
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, post_id=post.pk).first()
        if parent is None:
            raise field_error("parent_id", _("No such comment on this post."))
        # Threads nest MAX_DEPTH deep: deeper replies join the deepest comment's thread.
        if parent.depth >= MAX_DEPTH and parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
    comment = Comment(
        post=locked,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        author=author,
        body=body,
        body_html=_html(body),
    )
    comment.full_clean()
    comment.save()
    content_screen(target=comment, text=body, author=author, group=access.group)
    Post.objects.filter(pk=post.pk).update(comment_count=locked.comment_count + 1)
    if comment.status == ModerationStatus.PUBLISHED:
        ids = _mentioned_ids(group_id=locked.group_id, text=body, author=author)
        _queue_mentions(ids=ids, post_id=locked.pk, comment_id=comment.pk)
        _announce(comment)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, user: Any, body: str) -> Comment:
    if not post_can_edit(user=user, author_id=comment.author_id):
        raise PermissionDenied(_("Only the author can edit a comment."), code="not_author")
    sanction_check(user=user, group_id=comment.post.group_id)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.is_deleted:
        raise ValidationError(_("A deleted comment cannot be edited."), code="deleted")
    body = _clean_text("body", body, limit=MAX_COMMENT_CHARS, empty=_("Write a comment first."))
    if body == locked.body:
        return locked
    PostEdit.objects.create(comment=locked, body=locked.body)
    before = locked.body
    locked.body, locked.body_html, locked.edited_at = body, _html(body), timezone.now()
    locked.full_clean()
    locked.save(update_fields=["body", "body_html", "edited_at"])
    content_screen(target=locked, text=body, author=user, group=comment.post.group)
    if locked.status == ModerationStatus.PUBLISHED:
        ids = _mentioned_ids(group_id=comment.post.group_id, text=body, author=user, before=before)
        _queue_mentions(ids=ids, post_id=locked.post_id, comment_id=locked.pk)
    return locked


@transaction.atomic
def comment_delete(*, comment: Comment, user: Any, access: GroupAccess) -> Comment:
    """Soft delete: "This comment was deleted" stays in its place, replies under it."""
    if not post_can_delete(user=user, author_id=comment.author_id, role=access.role):
        raise PermissionDenied(
            _("Only the author or a moderator can delete a comment."), code="not_author"
        )
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if not locked.is_deleted:
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at"])
    return locked


def feed_mark_seen(*, group_id: int, user: Any, post_id: int | None = None) -> int:
    """Move the user's marker in the group up to ``post_id`` (default: the newest post),
    never back. Returns the marker."""
    if post_id is None:
        post_id = (
            Post.objects.filter(group_id=group_id).order_by("-id").values_list("id", flat=True)
        ).first() or 0
    marker, _created = FeedMarker.objects.get_or_create(
        group_id=group_id, user_id=user.pk, defaults={"last_seen_post_id": post_id}
    )
    if marker.last_seen_post_id < post_id:
        FeedMarker.objects.filter(pk=marker.pk, last_seen_post_id__lt=post_id).update(
            last_seen_post_id=post_id
        )
        return post_id
    return marker.last_seen_post_id


def mentions_notify(*, user_ids: list[int], post_id: int, comment_id: int | None) -> int:
    """Tell the mentioned members (still members, not blocking the author) through notify();
    their preferences decide the channels. Runs again safely (deduplicated per mention)."""
    post = Post.objects.select_related("author", "group").filter(pk=post_id).first()
    comment = (
        Comment.objects.select_related("author").filter(pk=comment_id).first()
        if comment_id
        else None
    )
    if post is None or (comment_id and comment is None):
        return 0
    source = comment or post
    if source.is_deleted or source.status != ModerationStatus.PUBLISHED:
        return 0
    author = source.author
    blocking = Block.objects.filter(blocked_id=author.pk).values("blocker_id")
    recipients = [
        m.user
        for m in GroupMembership.objects.filter(group_id=post.group_id, user_id__in=user_ids)
        .exclude(user_id__in=blocking)
        .exclude(user_id=author.pk)
        .select_related("user")
    ]
    url = reverse("posts:post", args=[post.group_id, post.pk])
    if comment is not None:
        url += f"#comment-{comment.pk}"
    notify(
        recipients=recipients,
        kind="community.mention",
        context={
            "author_name": author.display_name,
            "group_name": post.group.name,
            "post_title": post.title or _("a post"),
            "excerpt": source.body[:200],
        },
        url=url,
        dedupe_key=f"mention:{'comment' if comment else 'post'}:{source.pk}",
    )
    return len(recipients)


@shared_task(
    name="community.mentions_notify",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def mentions_notify_task(user_ids: list[int], post_id: int, comment_id: int | None = None) -> int:
    """Runs again safely: notify() deduplicates per mention."""
    return mentions_notify(user_ids=user_ids, post_id=post_id, comment_id=comment_id)


# --- the moderation queue's view of posts and comments (registered in apps.ready) ------------


def post_describe(post: Post) -> ModerationTarget:
    return ModerationTarget(
        kind="post",
        title=_("Post “%(title)s” in %(group)s")
        % {"title": post.title or post.body[:60], "group": post.group.name},
        text=post.body,
        url=reverse("posts:post", args=[post.group_id, post.pk]),
        author=post.author,
    )


def comment_describe(comment: Comment) -> ModerationTarget:
    post = comment.post
    return ModerationTarget(
        kind="comment",
        title=_("Comment on “%(title)s” in %(group)s")
        % {"title": post.title or post.body[:60], "group": post.group.name},
        text=comment.body,
        url=reverse("posts:post", args=[post.group_id, post.pk]) + f"#comment-{comment.pk}",
        author=comment.author,
    )


def content_status_set(target: Post | Comment, status: str) -> None:
    type(target).objects.filter(pk=target.pk).update(status=status)
    target.status = status


def content_hide(target: Post | Comment, by: Any) -> None:
    """A moderator's "hide": the post or comment leaves every feed and page."""
    content_status_set(target, ModerationStatus.HIDDEN)


def content_keep(target: Post | Comment, by: Any) -> None:
    """A moderator's "keep": held content is published, and the members it mentions are
    told now (nobody was while it was held)."""
    if target.status != ModerationStatus.HELD:
        return
    content_status_set(target, ModerationStatus.PUBLISHED)
    if isinstance(target, Post):
        text, post, comment_id = f"{target.title}\n{target.body}", target, None
    else:
        text, post, comment_id = target.body, target.post, target.pk
    ids = _mentioned_ids(group_id=post.group_id, text=text, author=target.author)
    _queue_mentions(ids=ids, post_id=post.pk, comment_id=comment_id)
    _announce(target)
