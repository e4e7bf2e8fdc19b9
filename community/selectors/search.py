"""Search over what a user may read, from several sources at once.

A source is registered once with ``search_source_register``: a ``kind`` ("message", later
"post"), a ``rows(user, query)`` function giving the matching rows the user may read, and a
``load(ids, user)`` function turning the page's ids into hits. ``rows`` must return a
queryset annotated, in this order, with ``hit_kind``, ``hit_id``, ``hit_rank`` and
``hit_at`` (use ``search_rows``), already narrowed by the source's own permission filter:
the sources' rows are combined with UNION, ranked together, and one page is loaded, one
query per source, whatever the number of matches.

On PostgreSQL a source matches with ``to_tsvector('simple', <text>)`` against a web-search
query and ranks with a weighted vector, like the course catalogue (courses.services.search);
on SQLite every word must occur, case-insensitively.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.urls import reverse
from django.utils.translation import gettext as _

from community.models import Message, ModerationStatus

SEARCH_CONFIG = "simple"
MAX_QUERY_LENGTH = 200
HIT_FIELDS = ("hit_kind", "hit_id", "hit_rank", "hit_at")


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: int
    title: str  # where it was said: "#general · Python basics"
    text: str
    url: str
    author: Any
    created_at: datetime
    rank: float = 0.0


@dataclass(frozen=True)
class SearchSource:
    kind: str
    rows: Callable[[Any, str], QuerySet[Any]]
    load: Callable[[list[int], Any], dict[int, SearchHit]]


SOURCES: dict[str, SearchSource] = {}


def search_source_register(source: SearchSource) -> SearchSource:
    SOURCES[source.kind] = source
    return source


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search_words(query: str) -> list[str]:
    return [w for w in query.replace('"', " ").split() if not w.startswith("-")][:10]


def search_rows(
    queryset: QuerySet[Any],
    *,
    kind: str,
    query: str,
    text_field: str,
    vector: SearchVector | CombinedExpression,
    at_field: str = "created_at",
) -> QuerySet[Any]:
    """``queryset`` narrowed to rows whose ``text_field`` matches ``query``, as search rows.

    On PostgreSQL the match is on ``to_tsvector('simple', text_field)`` (index that
    expression) and the rank on ``vector``, the source's weighted vector.
    """
    if is_postgresql():
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        queryset = queryset.annotate(
            hit_document=SearchVector(text_field, config=SEARCH_CONFIG)
        ).filter(hit_document=search_query)
        rank: Any = SearchRank(vector, search_query, cover_density=False)
    else:
        words = search_words(query) or [query]
        for word in words:
            queryset = queryset.filter(**{f"{text_field}__icontains": word})
        rank = Case(
            When(**{f"{text_field}__icontains": query}, then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    return (
        queryset.order_by()
        .annotate(
            hit_kind=Value(kind, output_field=CharField()),
            hit_id=F("pk"),
            hit_rank=rank,
            hit_at=F(at_field),
        )
        .values(*HIT_FIELDS)
    )


def search_query_clean(query: str) -> str:
    return (query or "").strip()[:MAX_QUERY_LENGTH]


def search_all(*, user: Any, query: str, kinds: Iterable[str] | None = None) -> QuerySet[Any]:
    """The rows of every registered source (or of ``kinds``) matching ``query`` that ``user``
    may read, best first then newest: dicts with ``hit_kind``, ``hit_id``, ``hit_rank`` and
    ``hit_at``. Slice it, then ``search_hits(rows, user=...)``. Empty for an empty query."""
    query = search_query_clean(query)
    wanted = [SOURCES[k] for k in (kinds or SOURCES) if k in SOURCES]
    if not query or not user.is_authenticated or not wanted:
        return Message.objects.none().values()
    parts = [source.rows(user, query) for source in wanted]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("-hit_rank", "-hit_at", "-hit_id")


def search_hits(rows: Iterable[dict[str, Any]], *, user: Any) -> list[SearchHit]:
    """The hits of a page of ``search_all`` rows, in the rows' order: one query per source."""
    rows = list(rows)
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row["hit_kind"], []).append(row["hit_id"])
    loaded = {kind: SOURCES[kind].load(ids, user) for kind, ids in by_kind.items()}
    hits = []
    for row in rows:
        hit = loaded[row["hit_kind"]].get(row["hit_id"])
        if hit is not None:
            hits.append(SearchHit(**{**hit.__dict__, "rank": float(row["hit_rank"] or 0.0)}))
    return hits


# --- chat messages ---------------------------------------------------------------------------


def messages_readable(*, user: Any) -> QuerySet[Message]:
    """Messages of the rooms ``user`` is a member of, not deleted; held or hidden ones only
    when ``user`` wrote them."""
    messages = Message.objects.filter(room__members__user_id=user.pk, deleted_at__isnull=True)
    # others' held and hidden messages never; one's own, marked, as in the room's history
    messages = messages.filter(Q(status=ModerationStatus.PUBLISHED) | Q(author_id=user.pk))
    return messages


def _message_vector() -> CombinedExpression:
    return SearchVector("body", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "author__name", weight="C", config=SEARCH_CONFIG
    )


def _message_rows(user: Any, query: str) -> QuerySet[Any]:
    return search_rows(
        messages_readable(user=user),
        kind="message",
        query=query,
        text_field="body",
        vector=_message_vector(),
    )


def _message_title(message: Message) -> str:
    channel = getattr(message.room, "channel", None) if message.room.kind == "channel" else None
    if channel is not None:
        return f"#{channel.name} · {channel.group.name}"
    return str(_("Direct message"))


def _message_hits(ids: list[int], user: Any) -> dict[int, SearchHit]:
    found = (
        messages_readable(user=user)
        .filter(pk__in=ids)
        .select_related("author", "room", "room__channel", "room__channel__group")
    )
    return {
        m.pk: SearchHit(
            kind="message",
            id=m.pk,
            title=_message_title(m),
            text=m.body,
            url=reverse("chat:room", args=[m.room_id]) + f"#message-{m.pk}",
            author=m.author,
            created_at=m.created_at,
        )
        for m in found
    }


search_source_register(SearchSource(kind="message", rows=_message_rows, load=_message_hits))
