"""Reads of posts: a group's feed, the "my groups" feed, a post with its comment tree,
bookmarks, unread counts per group.

Who sees what: published content for every reader of the group; held content for its
author and the group's moderators (marked); hidden content for nobody here. Every list is a
fixed number of queries whatever the number of posts, comments, reactions and members
(guarded by the query-count tests).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, Replace
from django.utils.translation import gettext as _

from community.models import (
    Bookmark,
    Comment,
    CommentReaction,
    FeedMarker,
    Group,
    GroupMembership,
    ModerationStatus,
    Post,
    PostAttachment,
    PostReaction,
)
from community.policies import group_can_read, post_can_moderate, post_can_see
from community.selectors.chat import MAX_ID
from kalpla.exceptions import NotFound

FEED_PAGE = 20
# Pinned posts come before the rest: their feed key is their id shifted past any real id.
PIN_OFFSET = 2**53
MAX_COMMENTS = 500  # a post page shows at most this many (the newest threads win)


@dataclass(frozen=True)
class GroupAccess:
    group: Group
    role: str | None  # the viewer's role in the group, None when not a member
    can_moderate: bool = False  # pins, locks, deletes others' posts, sees held ones


def _not_found() -> NotFound:
    return NotFound(_("No such group."), code="group_not_found")


def group_access_get(*, group_id: int, user: Any) -> GroupAccess:
    """The group and the viewer's role in it; NotFound when it does not exist or the viewer
    may not read it (outsiders must not learn which private groups exist)."""
    if not 0 < group_id <= MAX_ID:
        raise _not_found()
    role_of = GroupMembership.objects.filter(group_id=OuterRef("pk"), user_id=user.pk).values(
        "role"
    )[:1]
    group = Group.objects.filter(pk=group_id).annotate(viewer_role=Subquery(role_of)).first()
    if group is None:
        raise _not_found()
    role = group.viewer_role
    if not group_can_read(user=user, visibility=group.visibility, role=role):
        raise _not_found()
    return GroupAccess(group=group, role=role, can_moderate=post_can_moderate(user=user, role=role))


def _visible(*, viewer: Any, can_moderate: bool) -> Q:
    if can_moderate:
        return Q(status__in=[ModerationStatus.PUBLISHED, ModerationStatus.HELD])
    return Q(status=ModerationStatus.PUBLISHED) | Q(
        status=ModerationStatus.HELD, author_id=viewer.pk
    )


def _posts(*, viewer: Any) -> QuerySet[Post]:
    """Posts with what a feed row shows: author, channel, group, attachments, reactions, and
    whether the viewer bookmarked each."""
    return (
        Post.objects.select_related("author", "channel", "group")
        .prefetch_related(
            Prefetch("reactions", queryset=PostReaction.objects.order_by("id")),
            Prefetch("attachments", queryset=PostAttachment.objects.order_by("id")),
        )
        .annotate(
            bookmarked=Exists(Bookmark.objects.filter(post_id=OuterRef("pk"), user_id=viewer.pk))
        )
    )


def group_feed(*, access: GroupAccess, viewer: Any, channel_id: int | None = None) -> QuerySet:
    """The group's posts, pinned first, then newest first: order (and cursor) by
    ``feed_key``. Deleted posts leave the feed (their page keeps the tombstone)."""
    posts = (
        _posts(viewer=viewer)
        .filter(group_id=access.group.pk, deleted_at__isnull=True)
        .filter(_visible(viewer=viewer, can_moderate=access.can_moderate))
    )
    if channel_id is not None:
        posts = posts.filter(channel_id=channel_id)
    return posts.annotate(
        feed_key=Case(
            When(pinned_at__isnull=False, then=F("id") + Value(PIN_OFFSET)),
            default=F("id"),
            output_field=BigIntegerField(),
        )
    ).order_by("-feed_key")


def my_group_ids(*, user: Any) -> QuerySet:
    return GroupMembership.objects.filter(user_id=user.pk).values("group_id")


def my_feed(*, user: Any) -> QuerySet[Post]:
    """Posts of all the user's groups, newest first, each with ``last_seen_post_id`` (the
    user's marker in the post's group: a later post is new to them)."""
    managed = GroupMembership.objects.filter(
        user_id=user.pk, role__in=("owner", "moderator")
    ).values("group_id")
    marker = FeedMarker.objects.filter(group_id=OuterRef("group_id"), user_id=user.pk).values(
        "last_seen_post_id"
    )[:1]
    return (
        _posts(viewer=user)
        .filter(group_id__in=my_group_ids(user=user), deleted_at__isnull=True)
        .filter(
            Q(status=ModerationStatus.PUBLISHED)
            | Q(status=ModerationStatus.HELD, author_id=user.pk)
            | Q(status=ModerationStatus.HELD, group_id__in=managed)
        )
        .annotate(last_seen_post_id=Coalesce(Subquery(marker), Value(0)))
        .order_by("-id")
    )


def bookmark_list(*, user: Any) -> QuerySet[Bookmark]:
    """The user's bookmarks, newest first, of posts they may still read."""
    readable_groups = Group.objects.filter(
        Q(pk__in=my_group_ids(user=user)) | Q(visibility=Group.Visibility.PUBLIC)
    ).values("pk")
    return (
        Bookmark.objects.filter(user_id=user.pk, post__group_id__in=readable_groups)
        .filter(
            Q(post__status=ModerationStatus.PUBLISHED)
            | Q(post__status=ModerationStatus.HELD, post__author_id=user.pk)
        )
        .select_related("post", "post__author", "post__channel", "post__group")
        .prefetch_related(
            Prefetch("post__reactions", queryset=PostReaction.objects.order_by("id")),
            Prefetch("post__attachments", queryset=PostAttachment.objects.order_by("id")),
        )
        .order_by("-id")
    )


def feed_unread_counts(*, user: Any) -> list[Group]:
    """The user's groups, each with ``unread``: others' published posts after their marker
    and ``last_seen_post_id``; two queries whatever the number of groups and posts."""
    marker = FeedMarker.objects.filter(group_id=OuterRef("pk"), user_id=user.pk).values(
        "last_seen_post_id"
    )[:1]
    groups = (
        Group.objects.filter(pk__in=my_group_ids(user=user))
        .annotate(last_seen_post_id=Coalesce(Subquery(marker), Value(0)))
        .order_by("name", "pk")
    )
    rows: list[Group] = list(groups)
    seen = {g.pk: g.last_seen_post_id for g in rows}  # type: ignore[attr-defined]
    counts: dict[int, int] = {}
    if rows:
        condition = Q()
        for group_id, last in seen.items():
            condition |= Q(group_id=group_id, id__gt=last)
        counts = dict(
            Post.objects.filter(condition, status=ModerationStatus.PUBLISHED)
            .filter(deleted_at__isnull=True)
            .exclude(author_id=user.pk)
            .values("group_id")
            .annotate(n=Count("id"))
            .values_list("group_id", "n")
        )
    for group in rows:
        group.unread = counts.get(group.pk, 0)  # type: ignore[attr-defined]
    return rows


def feed_marker_get(*, group_id: int, user: Any) -> int:
    return (
        FeedMarker.objects.filter(group_id=group_id, user_id=user.pk)
        .values_list("last_seen_post_id", flat=True)
        .first()
        or 0
    )


def post_get(*, post_id: int, user: Any) -> tuple[Post, GroupAccess]:
    """A post the viewer may read (deleted ones too, as tombstones), with the viewer's access
    to its group; NotFound otherwise."""
    if not 0 < post_id <= MAX_ID:
        raise NotFound(_("No such post."), code="post_not_found")
    group_id = Post.objects.filter(pk=post_id).values_list("group_id", flat=True).first()
    if group_id is None:
        raise NotFound(_("No such post."), code="post_not_found")
    try:
        access = group_access_get(group_id=group_id, user=user)
    except NotFound:
        raise NotFound(_("No such post."), code="post_not_found") from None
    post = _posts(viewer=user).prefetch_related("edits").get(pk=post_id)
    if not post_can_see(user=user, author_id=post.author_id, status=post.status, role=access.role):
        raise NotFound(_("No such post."), code="post_not_found")
    return post, access


def comments_visible(*, post: Post, viewer: Any, can_moderate: bool) -> QuerySet[Comment]:
    """The post's comments the viewer may see (tombstones included), oldest first."""
    visible = _visible(viewer=viewer, can_moderate=can_moderate)
    return (
        Comment.objects.filter(post_id=post.pk)
        .filter(visible)
        .select_related("author")
        .prefetch_related(Prefetch("reactions", queryset=CommentReaction.objects.order_by("id")))
    )


def comment_list(*, post: Post, viewer: Any, can_moderate: bool) -> list[Comment]:
    """The post's comments the viewer may see, oldest first (replies follow their thread:
    build the tree with ``comment_tree``); at most MAX_COMMENTS, the newest."""
    visible = comments_visible(post=post, viewer=viewer, can_moderate=can_moderate)
    rows = list(visible.order_by("-id")[:MAX_COMMENTS])
    rows.reverse()
    return rows


def comment_tree(comments: list[Comment]) -> list[Comment]:
    """The top-level comments, each with ``children`` (and theirs) in order. A reply whose
    parent is not shown (hidden, beyond the limit) shows at the top level."""
    by_id = {c.pk: c for c in comments}
    roots: list[Comment] = []
    for comment in comments:
        comment.children = []  # type: ignore[attr-defined]
    for comment in comments:
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        if parent is None:
            roots.append(comment)
        else:
            parent.children.append(comment)  # type: ignore[attr-defined]
    return roots


def comment_get(*, comment_id: int, user: Any) -> tuple[Comment, GroupAccess]:
    """A comment on a post the viewer may read (NotFound otherwise)."""
    if not 0 < comment_id <= MAX_ID:
        raise NotFound(_("No such comment."), code="comment_not_found")
    comment = (
        Comment.objects.select_related("post", "author")
        .prefetch_related(Prefetch("reactions", queryset=CommentReaction.objects.order_by("id")))
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound(_("No such comment."), code="comment_not_found")
    try:
        post, access = post_get(post_id=comment.post_id, user=user)
    except NotFound:
        raise NotFound(_("No such comment."), code="comment_not_found") from None
    if not post_can_see(
        user=user, author_id=comment.author_id, status=comment.status, role=access.role
    ):
        raise NotFound(_("No such comment."), code="comment_not_found")
    comment.post = post
    return comment, access


def mention_handle_expression() -> Any:
    """The handle people are mentioned by: their name in lower case without spaces."""
    return Lower(Replace("user__name", Value(" "), Value("")))


def group_members_by_handle(*, group_id: int, handles: list[str]) -> list[Any]:
    """Members of the group whose handle (``@ravikumar`` for Ravi Kumar, or ``@user17``) is
    one of ``handles``; one query whatever the group's size."""
    if not handles:
        return []
    wanted = [h.lower() for h in handles]
    by_pk = [int(h[4:]) for h in wanted if h.startswith("user") and h[4:].isdigit()]
    memberships = (
        GroupMembership.objects.filter(group_id=group_id)
        .annotate(handle=mention_handle_expression())
        .filter(Q(handle__in=wanted) | Q(user_id__in=[pk for pk in by_pk if pk <= MAX_ID]))
        .select_related("user")
    )
    return [m.user for m in memberships]


def post_edits(*, post: Post) -> QuerySet:
    return post.edits.order_by("-id")


def post_find(*, group_id: int, author_id: int, title: str) -> Post | None:
    """The author's post of that title in the group (seeding finds its posts again)."""
    return Post.objects.filter(group_id=group_id, author_id=author_id, title=title).first()


def comment_find(*, post_id: int, author_id: int, body: str) -> Comment | None:
    return Comment.objects.filter(post_id=post_id, author_id=author_id, body=body).first()


def group_post_count(*, group_id: int) -> int:
    return Post.objects.filter(group_id=group_id).count()
