"""Site pages of posts: a group's home (its feed with a composer and a channel filter), a
post with its threaded comments, and the "my groups" feed and bookmarks (/feed/).

Every action is a plain form that works without JavaScript; the services check the rules.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import signed_in_user
from community.forms_posts import (
    CommentEditForm,
    CommentForm,
    FlagForm,
    PostEditForm,
    PostForm,
    ReactionForm,
)
from community.models import Channel, Comment, Post
from community.policies import post_can_delete, post_can_edit
from community.selectors import posts as selectors
from community.selectors.posts import GroupAccess
from community.services import posts as services
from kalpla.errors import service_run

REACTIONS = ("👍", "❤️", "🎉", "😄", "🤔", "👀")


def _channels(group_id: int) -> list[Channel]:
    return list(Channel.objects.filter(group_id=group_id).order_by("name"))


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) <= selectors.MAX_ID else None


def _decorate(
    posts: list[Post], *, user: Any, member_of: set[int], last_seen: int | None = None
) -> list[Post]:
    """What a feed row needs beyond the post: reaction chips, whether the viewer may react
    (a member of the post's group: its id in ``member_of``) and the "New" mark."""
    for post in posts:
        post.reaction_chips = _chips(post, user)  # type: ignore[attr-defined]
        post.can_react = post.group_id in member_of and not post.is_deleted  # type: ignore[attr-defined]
        seen = getattr(post, "last_seen_post_id", last_seen)
        post.is_new = seen is not None and post.pk > seen and post.author_id != user.pk  # type: ignore[attr-defined]
    return posts


def _member_of(access: GroupAccess) -> set[int]:
    return {access.group.pk} if access.role is not None else set()


def _my_groups(user: Any) -> set[int]:
    return set(selectors.my_group_ids(user=user).values_list("group_id", flat=True))


def _chips(target: Post | Comment, user: Any) -> list[dict[str, Any]]:
    counts: dict[str, list[int]] = {emoji: [] for emoji in REACTIONS}
    for reaction in target.reactions.all():
        counts.setdefault(reaction.emoji, []).append(reaction.user_id)
    return [
        {"emoji": emoji, "count": len(users), "mine": user.pk in users}
        for emoji, users in counts.items()
    ]


def _with_viewer(access: GroupAccess) -> Any:
    """The group as its action links read it (community/groups/_actions.html): the viewer's
    role; no pending request, since only members and site moderators reach its home."""
    group = access.group
    group.viewer_role = access.role  # type: ignore[attr-defined]
    group.viewer_request = None  # type: ignore[attr-defined]
    return group


@login_required
def group_home(request: HttpRequest, group_id: int, form: PostForm | None = None) -> HttpResponse:
    user = signed_in_user(request)
    access = selectors.group_access_get(group_id=group_id, user=user)
    channels = _channels(group_id)
    channel_id = _int(request.GET.get("channel"))
    before = _int(request.GET.get("before"))
    feed = selectors.group_feed(access=access, viewer=user, channel_id=channel_id)
    if before is not None:
        feed = feed.filter(feed_key__lt=before)
    rows = list(feed[: selectors.FEED_PAGE + 1])
    posts, more = rows[: selectors.FEED_PAGE], len(rows) > selectors.FEED_PAGE
    # Only members have a marker ("New" means nothing to a reader of a public group).
    last_seen = None
    if access.role is not None:
        last_seen = selectors.feed_marker_get(group_id=group_id, user=user)
        if before is None:
            services.feed_mark_seen(group_id=group_id, user=user)
    next_url = ""
    if more:
        query = f"?before={posts[-1].feed_key}"
        next_url = query + (f"&channel={channel_id}" if channel_id else "")
    return render(
        request,
        "community/posts/group.html",
        {
            "group": _with_viewer(access),
            "access": access,
            "channels": channels,
            "channel_id": channel_id,
            "posts": _decorate(posts, user=user, last_seen=last_seen, member_of=_member_of(access)),
            "next_url": next_url,
            "form": form or PostForm(channels=channels, initial={"channel": channel_id}),
        },
        status=400 if form is not None else 200,
    )


@login_required
@require_POST
def post_create(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = selectors.group_access_get(group_id=group_id, user=user)
    form = PostForm(request.POST, request.FILES, channels=_channels(group_id))
    if form.is_valid():
        data = form.cleaned_data
        outcome = service_run(
            request,
            lambda: services.post_create(
                access=access,
                author=user,
                title=data["title"],
                body=data["body"],
                channel_id=data["channel"],
                files=data["attachments"],
            ),
            form=form,
            success=_("Posted."),
        )
        if outcome.ok:
            return redirect("posts:post", group_id, outcome.result.pk)
    return group_home(request, group_id, form=form)


def _post(request: HttpRequest, group_id: int, post_id: int) -> tuple[Post, GroupAccess]:
    post, access = selectors.post_get(post_id=post_id, user=signed_in_user(request))
    if post.group_id != group_id:
        raise Http404(_("No such post."))
    return post, access


@login_required
def post_detail(
    request: HttpRequest, group_id: int, post_id: int, form: CommentForm | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    post, access = _post(request, group_id, post_id)
    comments = selectors.comment_list(post=post, viewer=user, can_moderate=access.can_moderate)
    for comment in comments:
        comment.reaction_chips = _chips(comment, user)  # type: ignore[attr-defined]
        comment.can_edit = post_can_edit(user=user, author_id=comment.author_id)  # type: ignore[attr-defined]
        comment.can_delete = post_can_delete(  # type: ignore[attr-defined]
            user=user, author_id=comment.author_id, role=access.role
        )
    return render(
        request,
        "community/posts/post.html",
        {
            "group": access.group,
            "access": access,
            "post": _decorate([post], user=user, member_of=_member_of(access))[0],
            "can_react": access.role is not None and not post.is_deleted,
            "edits": selectors.post_edits(post=post) if not post.is_deleted else [],
            "comments": selectors.comment_tree(comments),
            "comment_total": len(comments),
            "can_edit": post_can_edit(user=user, author_id=post.author_id),
            "can_delete": post_can_delete(user=user, author_id=post.author_id, role=access.role),
            "can_comment": access.role is not None and not post.is_locked and not post.is_deleted,
            "form": form or CommentForm(),
            "max_depth": services.MAX_DEPTH,
        },
        status=400 if form is not None else 200,
    )


def _back(group_id: int, post_id: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("posts:post", args=[group_id, post_id]) + anchor)


@login_required
def post_edit(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    user = signed_in_user(request)
    post, _access = _post(request, group_id, post_id)
    if not post_can_edit(user=user, author_id=post.author_id) or post.is_deleted:
        raise Http404(_("No such post."))
    form = PostEditForm(request.POST or None, initial={"title": post.title, "body": post.body})
    if request.method == "POST" and form.is_valid():
        outcome = service_run(
            request,
            lambda: services.post_edit(
                post=post,
                user=user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"],
            ),
            form=form,
            success=_("Saved. The earlier text is kept in the post's history."),
        )
        if outcome.ok:
            return _back(group_id, post_id)
    return render(
        request,
        "community/posts/edit.html",
        {"group": post.group, "post": post, "form": form, "what": "post"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def post_delete(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    post, access = _post(request, group_id, post_id)
    user = signed_in_user(request)
    service_run(
        request,
        lambda: services.post_delete(post=post, user=user, access=access),
        success=_("The post was deleted."),
    )
    return _back(group_id, post_id)


def _flag(request: HttpRequest) -> bool:
    form = FlagForm(request.POST)
    return bool(form.is_valid() and form.cleaned_data["value"])


# What the page says once a flag is set or unset.
FLAG_DONE: dict[str, tuple[Any, Any]] = {
    "pin": (gettext_lazy("Pinned to the top of the group."), gettext_lazy("Unpinned.")),
    "lock": (gettext_lazy("Locked: no new comments."), gettext_lazy("Unlocked.")),
    "bookmark": (gettext_lazy("Bookmarked."), gettext_lazy("Bookmark removed.")),
}


def _post_flag(request: HttpRequest, group_id: int, post_id: int, flag: str) -> HttpResponse:
    post, access = _post(request, group_id, post_id)
    on = _flag(request)
    user = signed_in_user(request)
    when_set, when_unset = FLAG_DONE[flag]
    service_run(
        request,
        lambda: services.post_flag_set(post=post, user=user, access=access, flag=flag, on=on),
        success=str(when_set if on else when_unset),
    )
    return _back(group_id, post_id)


@login_required
@require_POST
def post_pin(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    return _post_flag(request, group_id, post_id, "pin")


@login_required
@require_POST
def post_lock(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    return _post_flag(request, group_id, post_id, "lock")


@login_required
@require_POST
def post_bookmark(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    return _post_flag(request, group_id, post_id, "bookmark")


def _react(
    request: HttpRequest,
    apply: Callable[[str, bool], Any],
    fresh: Callable[[], Post | Comment],
    *,
    compact: bool,
    back: HttpResponse,
) -> HttpResponse:
    """A reaction from a plain form (back to the page) or from the page's script
    (HX-Request: the reactions alone, or the error as JSON)."""
    form = ReactionForm(request.POST)
    emoji = form.data.get("emoji", "") if not form.is_valid() else form.cleaned_data["emoji"]
    on = bool(form.is_valid() and form.cleaned_data["on"])
    partial = request.headers.get("HX-Request") == "true"
    outcome = service_run(request, lambda: apply(emoji, on), as_json=partial)
    if not partial:
        return back
    if not outcome.ok:
        return outcome.json()
    return render(
        request,
        "community/posts/_reactions.html",
        {
            "chips": _chips(fresh(), signed_in_user(request)),
            "react_url": request.path,
            "can_react": True,
            "compact": compact,
        },
    )


@login_required
@require_POST
def post_react(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    post, access = _post(request, group_id, post_id)
    user = signed_in_user(request)
    return _react(
        request,
        lambda emoji, on: services.reaction_set(
            target=post, user=user, access=access, emoji=emoji, on=on
        ),
        lambda: selectors.post_get(post_id=post.pk, user=user)[0],
        compact=False,
        back=_back(group_id, post_id, "#post"),
    )


@login_required
@require_POST
def comment_react(
    request: HttpRequest, group_id: int, post_id: int, comment_id: int
) -> HttpResponse:
    user = signed_in_user(request)
    comment, access = _comment(request, group_id, post_id, comment_id)
    return _react(
        request,
        lambda emoji, on: services.reaction_set(
            target=comment, user=user, access=access, emoji=emoji, on=on
        ),
        lambda: selectors.comment_get(comment_id=comment.pk, user=user)[0],
        compact=True,
        back=_back(group_id, post_id, f"#comment-{comment.pk}"),
    )


@login_required
@require_POST
def comment_create(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    post, access = _post(request, group_id, post_id)
    user = signed_in_user(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        outcome = service_run(
            request,
            lambda: services.comment_create(
                post=post,
                access=access,
                author=user,
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data["parent_id"],
            ),
            form=form,
            success=_("Comment added."),
        )
        if outcome.ok:
            return _back(group_id, post_id, f"#comment-{outcome.result.pk}")
    return post_detail(request, group_id, post_id, form=form)


def _comment(request: HttpRequest, group_id: int, post_id: int, comment_id: int) -> Any:
    comment, access = selectors.comment_get(comment_id=comment_id, user=signed_in_user(request))
    if comment.post_id != post_id or comment.post.group_id != group_id:
        raise Http404(_("No such comment."))
    return comment, access


@login_required
def comment_edit(
    request: HttpRequest, group_id: int, post_id: int, comment_id: int
) -> HttpResponse:
    user = signed_in_user(request)
    comment, _access = _comment(request, group_id, post_id, comment_id)
    if not post_can_edit(user=user, author_id=comment.author_id) or comment.is_deleted:
        raise Http404(_("No such comment."))
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        outcome = service_run(
            request,
            lambda: services.comment_edit(
                comment=comment, user=user, body=form.cleaned_data["body"]
            ),
            form=form,
            success=_("Saved."),
        )
        if outcome.ok:
            return _back(group_id, post_id, f"#comment-{comment.pk}")
    return render(
        request,
        "community/posts/edit.html",
        {"group": comment.post.group, "post": comment.post, "form": form, "what": "comment"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def comment_delete(
    request: HttpRequest, group_id: int, post_id: int, comment_id: int
) -> HttpResponse:
    user = signed_in_user(request)
    comment, access = _comment(request, group_id, post_id, comment_id)
    service_run(
        request,
        lambda: services.comment_delete(comment=comment, user=user, access=access),
        success=_("The comment was deleted."),
    )
    return _back(group_id, post_id, f"#comment-{comment.pk}")


@login_required
def my_feed(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    before = _int(request.GET.get("before"))
    feed = selectors.my_feed(user=user)
    if before is not None:
        feed = feed.filter(id__lt=before)
    rows = list(feed[: selectors.FEED_PAGE + 1])
    posts = rows[: selectors.FEED_PAGE]
    return render(
        request,
        "community/posts/feed.html",
        {
            "posts": _decorate(posts, user=user, member_of=_my_groups(user)),
            "groups": selectors.feed_unread_counts(user=user),
            "next_url": f"?before={posts[-1].pk}" if len(rows) > selectors.FEED_PAGE else "",
            "tab": "feed",
        },
    )


@login_required
def my_bookmarks(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    before = _int(request.GET.get("before"))
    bookmarks = selectors.bookmark_list(user=user)
    if before is not None:
        bookmarks = bookmarks.filter(id__lt=before)
    rows = list(bookmarks[: selectors.FEED_PAGE + 1])
    page = rows[: selectors.FEED_PAGE]
    posts = []
    for bookmark in page:
        bookmark.post.bookmarked = True  # type: ignore[attr-defined]
        posts.append(bookmark.post)
    return render(
        request,
        "community/posts/feed.html",
        {
            "posts": _decorate(posts, user=user, member_of=_my_groups(user)),
            "groups": selectors.feed_unread_counts(user=user),
            "next_url": f"?before={page[-1].pk}" if len(rows) > selectors.FEED_PAGE else "",
            "tab": "bookmarks",
        },
    )
