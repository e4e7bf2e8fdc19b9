"""API: posts in groups, their comments, reactions, pins, locks, bookmarks, and the feeds.

The same services as the site pages (/groups/<id>/): a post made here shows there.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from community.api.serializers_posts import (
    CommentCreateIn,
    CommentEditIn,
    CommentOut,
    FeedGroupOut,
    FeedSeenIn,
    FeedSeenOut,
    FlagIn,
    PostCreateIn,
    PostDetailOut,
    PostEditIn,
    PostOut,
    PostReactionIn,
)
from community.models import Comment, Post
from community.policies import post_can_edit
from community.selectors import posts as selectors
from community.services import posts as services
from kalpla.api.pagination import PageSizeMixin
from kalpla.api.serializers import ErrorSerializer

TAGS = ["posts"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=str(_("Invalid input"))),
    401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
}
NOT_FOUND = {
    **ERRORS,
    404: OpenApiResponse(ErrorSerializer, description=str(_("No such group or post for you"))),
}
REFUSED = {
    **NOT_FOUND,
    403: OpenApiResponse(ErrorSerializer, description=str(_("Not allowed"))),
}
POST_EXAMPLE = {
    "id": 41,
    "group": {"id": 2, "name": "Python basics", "kind": "course"},
    "channel": {"id": 3, "name": "general"},
    "author": {"id": 31, "name": "Ravi Kumar", "avatar_url": None},
    "title": "Week 2 study group",
    "body": "Who wants to go through **lesson 3** together? @asha",
    "body_html": "<p>Who wants to go through <strong>lesson 3</strong> together? @asha</p>",
    "status": "published",
    "created_at": "2026-12-06T09:30:00Z",
    "edited_at": None,
    "deleted": False,
    "pinned": False,
    "locked": False,
    "comment_count": 3,
    "reactions": [{"emoji": "👍", "count": 2, "mine": True}],
    "attachments": [],
    "bookmarked": False,
    "is_new": True,
    "url": "/groups/2/posts/41/",
}


class FeedPagination(PageSizeMixin, CursorPagination):
    """Pinned posts first, then newest first (the selector's ``feed_key``)."""

    page_size = selectors.FEED_PAGE
    ordering = "-feed_key"


class NewestPagination(PageSizeMixin, CursorPagination):
    page_size = selectors.FEED_PAGE
    ordering = "-id"


class OldestPagination(PageSizeMixin, CursorPagination):
    page_size = 50
    ordering = "id"


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    return {"request": request, "viewer_id": signed_in_user(request).pk, **extra}


def _detail(request: Request, post_id: int) -> Response:
    user = signed_in_user(request)
    post, access = selectors.post_get(post_id=post_id, user=user)
    post.can_edit = post_can_edit(user=user, author_id=post.author_id)  # type: ignore[attr-defined]
    post.can_moderate = access.can_moderate  # type: ignore[attr-defined]
    return Response(PostDetailOut(post, context=_context(request)).data)


def _comment_out(request: Request, comment_id: int, *, status: int = 200) -> Response:
    comment, _access = selectors.comment_get(comment_id=comment_id, user=signed_in_user(request))
    return Response(CommentOut(comment, context=_context(request)).data, status=status)


class GroupPostsApi(ListAPIView):
    serializer_class = PostOut
    pagination_class = FeedPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        access = selectors.group_access_get(
            group_id=self.kwargs["group_id"], user=signed_in_user(self.request)
        )
        self.last_seen = (
            selectors.feed_marker_get(group_id=access.group.pk, user=signed_in_user(self.request))
            if access.role is not None
            else None
        )
        return selectors.group_feed(
            access=access, viewer=signed_in_user(self.request), channel_id=self._channel()
        )

    def _channel(self) -> int | None:
        raw = self.request.query_params.get("channel", "")
        return int(raw) if raw.isdigit() and 0 < int(raw) <= selectors.MAX_ID else None

    def get_serializer_context(self) -> dict[str, Any]:
        if getattr(self, "swagger_fake_view", False):
            return dict(super().get_serializer_context())
        return _context(self.request, last_seen_post_id=getattr(self, "last_seen", None))

    @extend_schema(
        tags=TAGS,
        operation_id="group_posts_list",
        summary="A group's feed",
        description=(
            "Pinned posts first, then newest first; cursor-paginated (follow `next`). "
            "`is_new` marks others' posts after my last visit (see `.../posts/seen/`). Held "
            "posts show only to their author and the group's moderators."
        ),
        parameters=[
            OpenApiParameter(
                "channel", int, description="Only the posts of this channel of the group."
            )
        ],
        responses={200: PostOut(many=True), **NOT_FOUND},
        examples=[OpenApiExample("A post", value=POST_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="group_posts_create",
        summary="Post in a group",
        description=(
            "Members only. JSON, or multipart/form-data with up to 5 `attachments` "
            "(images and documents, checked by content). `@name` (a member's name without "
            "spaces, or `@user<id>`) notifies that member."
        ),
        request={"application/json": PostCreateIn, "multipart/form-data": PostCreateIn},
        responses={201: PostDetailOut, **REFUSED},
        examples=[
            OpenApiExample(
                "A post",
                value={"title": "Week 2 study group", "body": "Who is in? @asha"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, group_id: int) -> Response:
        user = signed_in_user(request)
        access = selectors.group_access_get(group_id=group_id, user=user)
        data = PostCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("attachments") if request.FILES else []
        post = services.post_create(
            access=access,
            author=user,
            title=data.validated_data["title"],
            body=data.validated_data["body"],
            channel_id=data.validated_data["channel_id"],
            files=files,
        )
        response = _detail(request, post.pk)
        response.status_code = 201
        return response


class GroupFeedSeenApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="group_posts_seen",
        summary="Mark the group's feed seen",
        description="Posts up to `post_id` (default: the newest) are no longer new to me.",
        request=FeedSeenIn,
        responses={200: FeedSeenOut, **NOT_FOUND},
    )
    def post(self, request: Request, group_id: int) -> Response:
        user = signed_in_user(request)
        access = selectors.group_access_get(group_id=group_id, user=user)
        data = FeedSeenIn(data=request.data)
        data.is_valid(raise_exception=True)
        seen = services.feed_mark_seen(
            group_id=access.group.pk, user=user, post_id=data.validated_data["post_id"]
        )
        return Response({"group_id": access.group.pk, "last_seen_post_id": seen})


class PostApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="posts_retrieve",
        summary="A post",
        description="With its edit history. A deleted post is a tombstone (`deleted: true`).",
        responses={200: PostDetailOut, **NOT_FOUND},
        examples=[OpenApiExample("A post", value=POST_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, post_id: int) -> Response:
        return _detail(request, post_id)

    @extend_schema(
        tags=TAGS,
        operation_id="posts_edit",
        summary="Edit my post",
        description="The earlier text is kept in `edits`. Newly mentioned members are told.",
        request=PostEditIn,
        responses={200: PostDetailOut, **REFUSED},
    )
    def patch(self, request: Request, post_id: int) -> Response:
        user = signed_in_user(request)
        post, _access = selectors.post_get(post_id=post_id, user=user)
        data = PostEditIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.post_edit(
            post=post,
            user=user,
            body=data.validated_data["body"],
            title=data.validated_data.get("title"),
        )
        return _detail(request, post_id)

    @extend_schema(
        tags=TAGS,
        operation_id="posts_delete",
        summary="Delete a post",
        description=(
            "Its author, the group's owners and moderators, site moderators. It stays as a "
            "tombstone with its comments and leaves the feeds. Idempotent."
        ),
        request=None,
        responses={200: PostDetailOut, **REFUSED},
    )
    def delete(self, request: Request, post_id: int) -> Response:
        user = signed_in_user(request)
        post, access = selectors.post_get(post_id=post_id, user=user)
        services.post_delete(post=post, user=user, access=access)
        return _detail(request, post_id)


def _flag_schema(operation: str, summary: str, description: str) -> Any:
    return extend_schema(
        tags=TAGS,
        operation_id=operation,
        summary=summary,
        description=description,
        request=FlagIn,
        responses={200: PostDetailOut, **REFUSED},
        examples=[OpenApiExample("Set", value={"value": True}, request_only=True)],
    )


def _react(request: Request, target: Post | Comment, access: Any) -> None:
    data = PostReactionIn(data=request.data)
    data.is_valid(raise_exception=True)
    services.reaction_set(
        target=target, user=signed_in_user(request), access=access, **data.validated_data
    )


def _set_flag(request: Request, post_id: int, flag: str) -> Response:
    user = signed_in_user(request)
    post, access = selectors.post_get(post_id=post_id, user=user)
    data = FlagIn(data=request.data)
    data.is_valid(raise_exception=True)
    services.post_flag_set(
        post=post, user=user, access=access, flag=flag, on=data.validated_data["value"]
    )
    return _detail(request, post_id)


class PostPinApi(APIView):
    @_flag_schema(
        "posts_pin",
        "Pin or unpin a post",
        "The group's owners and moderators and site moderators. Pinned posts head the feed.",
    )
    def post(self, request: Request, post_id: int) -> Response:
        return _set_flag(request, post_id, "pin")


class PostLockApi(APIView):
    @_flag_schema(
        "posts_lock",
        "Lock or unlock a post",
        "The group's owners and moderators and site moderators. A locked post takes no new "
        "comments (409 `locked`).",
    )
    def post(self, request: Request, post_id: int) -> Response:
        return _set_flag(request, post_id, "lock")


class PostBookmarkApi(APIView):
    @_flag_schema(
        "posts_bookmark",
        "Bookmark a post (or drop the bookmark)",
        "My bookmarks are listed at `/api/v1/me/bookmarks/`.",
    )
    def post(self, request: Request, post_id: int) -> Response:
        return _set_flag(request, post_id, "bookmark")


class PostReactionsApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="posts_react",
        summary="React to a post (or take the reaction back)",
        description="Members of the post's group. Idempotent.",
        request=PostReactionIn,
        responses={200: PostDetailOut, **REFUSED},
        examples=[
            OpenApiExample("Thumbs up", value={"emoji": "👍", "on": True}, request_only=True)
        ],
    )
    def post(self, request: Request, post_id: int) -> Response:
        user = signed_in_user(request)
        post, access = selectors.post_get(post_id=post_id, user=user)
        _react(request, post, access)
        return _detail(request, post_id)


class PostCommentsApi(ListAPIView):
    serializer_class = CommentOut
    pagination_class = OldestPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        user = signed_in_user(self.request)
        post, access = selectors.post_get(post_id=self.kwargs["post_id"], user=user)
        return selectors.comments_visible(post=post, viewer=user, can_moderate=access.can_moderate)

    @extend_schema(
        tags=TAGS,
        operation_id="posts_comments_list",
        summary="A post's comments",
        description=(
            "Oldest first, cursor-paginated, 50 a page; build threads with `parent_id`. "
            "Deleted comments stay as tombstones so their replies keep their place."
        ),
        responses={200: CommentOut(many=True), **NOT_FOUND},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="posts_comments_create",
        summary="Comment on a post, or reply to a comment",
        description=(
            "Members of the post's group. A locked or deleted post answers 409. Replies "
            "nest 4 deep; a reply to a deeper one joins that comment's thread."
        ),
        request=CommentCreateIn,
        responses={
            201: CommentOut,
            409: OpenApiResponse(ErrorSerializer, description=str(_("Locked or deleted"))),
            **REFUSED,
        },
        examples=[OpenApiExample("A reply", value={"body": "Count me in", "parent_id": 7})],
    )
    def post(self, request: Request, post_id: int) -> Response:
        user = signed_in_user(request)
        post, access = selectors.post_get(post_id=post_id, user=user)
        data = CommentCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(
            post=post,
            access=access,
            author=user,
            body=data.validated_data["body"],
            parent_id=data.validated_data["parent_id"],
        )
        return _comment_out(request, comment.pk, status=201)


class CommentApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="comments_edit",
        summary="Edit my comment",
        description="The earlier text is kept.",
        request=CommentEditIn,
        responses={200: CommentOut, **REFUSED},
    )
    def patch(self, request: Request, comment_id: int) -> Response:
        user = signed_in_user(request)
        comment, _access = selectors.comment_get(comment_id=comment_id, user=user)
        data = CommentEditIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.comment_edit(comment=comment, user=user, body=data.validated_data["body"])
        return _comment_out(request, comment_id)

    @extend_schema(
        tags=TAGS,
        operation_id="comments_delete",
        summary="Delete a comment",
        description="Its author or a moderator. It stays as a tombstone. Idempotent.",
        request=None,
        responses={200: CommentOut, **REFUSED},
    )
    def delete(self, request: Request, comment_id: int) -> Response:
        user = signed_in_user(request)
        comment, access = selectors.comment_get(comment_id=comment_id, user=user)
        services.comment_delete(comment=comment, user=user, access=access)
        return _comment_out(request, comment_id)


class CommentReactionsApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="comments_react",
        summary="React to a comment (or take the reaction back)",
        description="Members of the post's group. Idempotent.",
        request=PostReactionIn,
        responses={200: CommentOut, **REFUSED},
        examples=[
            OpenApiExample("Thumbs up", value={"emoji": "👍", "on": True}, request_only=True)
        ],
    )
    def post(self, request: Request, comment_id: int) -> Response:
        user = signed_in_user(request)
        comment, access = selectors.comment_get(comment_id=comment_id, user=user)
        _react(request, comment, access)
        return _comment_out(request, comment_id)


class MyFeedApi(ListAPIView):
    serializer_class = PostOut
    pagination_class = NewestPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.my_feed(user=AnonymousUser())
        return selectors.my_feed(user=signed_in_user(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        if getattr(self, "swagger_fake_view", False):
            return dict(super().get_serializer_context())
        return _context(self.request)

    @extend_schema(
        tags=TAGS,
        operation_id="me_feed_list",
        summary="The feed of all my groups",
        description=(
            "Posts of every group I belong to, newest first, cursor-paginated; `is_new` "
            "against my marker in each post's group. Unread counts per group: "
            "`/api/v1/me/feed/groups/`."
        ),
        responses={200: PostOut(many=True), **ERRORS},
        examples=[OpenApiExample("A post", value=POST_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MyFeedGroupsApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="me_feed_groups",
        summary="My groups with unread counts",
        description="`unread`: others' posts after my last visit to each group's feed.",
        responses={200: FeedGroupOut(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        groups = selectors.feed_unread_counts(user=signed_in_user(request))
        return Response(FeedGroupOut(groups, many=True).data)


class MyBookmarksApi(ListAPIView):
    serializer_class = PostOut
    pagination_class = NewestPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.bookmark_list(user=AnonymousUser())
        return selectors.bookmark_list(user=signed_in_user(self.request))

    @extend_schema(
        tags=TAGS,
        operation_id="me_bookmarks_list",
        summary="My bookmarked posts",
        description="Newest bookmark first, cursor-paginated; posts I can no longer read drop out.",
        responses={200: PostOut(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        posts = []
        for bookmark in page:
            bookmark.post.bookmarked = True
            posts.append(bookmark.post)
        return self.get_paginated_response(
            PostOut(posts, many=True, context=_context(request)).data
        )
