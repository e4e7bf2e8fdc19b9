"""Posts as a source of community search (``community.selectors.search``): the posts of the
user's groups that they may read (published, or their own), matched on title and text."""

from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse

from community.models import ModerationStatus, Post
from community.selectors.posts import my_group_ids
from community.selectors.search import (
    SEARCH_CONFIG,
    SearchHit,
    SearchSource,
    search_rows,
    search_source_register,
)


def posts_readable(*, user: Any) -> QuerySet[Post]:
    """Posts of the user's groups, not deleted; others' held or hidden ones never."""
    return Post.objects.filter(
        Q(status=ModerationStatus.PUBLISHED) | Q(author_id=user.pk),
        group_id__in=my_group_ids(user=user),
        deleted_at__isnull=True,
    )


def _post_rows(user: Any, query: str) -> QuerySet[Any]:
    posts = posts_readable(user=user).annotate(
        hit_text=Concat("title", Value("\n"), "body", output_field=TextField())
    )
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG)
        + SearchVector("author__name", weight="C", config=SEARCH_CONFIG)
    )
    return search_rows(posts, kind="post", query=query, text_field="hit_text", vector=vector)


def _post_hits(ids: list[int], user: Any) -> dict[int, SearchHit]:
    found = posts_readable(user=user).filter(pk__in=ids).select_related("author", "group")
    return {
        p.pk: SearchHit(
            kind="post",
            id=p.pk,
            title=p.title or p.group.name,
            text=p.body,
            url=reverse("posts:post", args=[p.group_id, p.pk]),
            author=p.author,
            created_at=p.created_at,
        )
        for p in found
    }


search_source_register(SearchSource(kind="post", rows=_post_rows, load=_post_hits))
