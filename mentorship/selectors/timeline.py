"""One chronological feed per mentorship, newest first: sessions (at their start, whatever
their status), notes the viewer may read (shared ones and their own), milestones done,
progress updates and action items done.

Paged by an opaque cursor (the last item's time, kind and id): each page runs one query per
kind (five), however long the mentorship.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError
from mentorship.models import ActionItem, MentorSession, Milestone, ProgressUpdate, SessionNote
from mentorship.selectors.progress import notes_visible_q

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class TimelineItem:
    """``kind`` is "session", "note", "update", "milestone" or "action_item"; ``obj`` the row."""

    kind: str
    at: datetime
    pk: int
    obj: Any


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    next_cursor: str | None


# Ties at the same instant are ordered by kind (this rank, descending), then id.
RANK = {"session": 5, "note": 4, "update": 3, "milestone": 2, "action_item": 1}
KIND_OF_RANK = {rank: kind for kind, rank in RANK.items()}


def _sources(*, mentorship: Any, viewer: Any) -> dict[str, tuple[QuerySet[Any], str]]:
    """Each kind's rows of the mentorship and the field that places them in time."""
    return {
        "session": (
            MentorSession.objects.filter(mentorship=mentorship),
            "starts_at",
        ),
        "note": (
            SessionNote.objects.filter(session__mentorship=mentorship)
            .filter(notes_visible_q(user=viewer))
            .select_related("author", "session"),
            "created_at",
        ),
        "update": (
            ProgressUpdate.objects.filter(mentorship=mentorship).select_related("author", "goal"),
            "created_at",
        ),
        "milestone": (
            Milestone.objects.filter(
                goal__mentorship=mentorship, done_at__isnull=False
            ).select_related("goal"),
            "done_at",
        ),
        "action_item": (
            ActionItem.objects.filter(mentorship=mentorship, done_at__isnull=False).select_related(
                "owner"
            ),
            "done_at",
        ),
    }


def encode_cursor(item: TimelineItem) -> str:
    raw = f"{item.at.isoformat()}|{RANK[item.kind]}|{item.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int, int]:
    invalid = ValidationError(
        _("Not a valid cursor."), code="invalid_cursor", errors={"cursor": [_("Not valid.")]}
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at_text, rank_text, pk_text = base64.urlsafe_b64decode(padded).decode().split("|")
        at = parse_datetime(at_text)
        rank, pk = int(rank_text), int(pk_text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid from None
    if at is None or at.tzinfo is None or rank not in KIND_OF_RANK:
        raise invalid
    return at, rank, pk


def _before(*, field: str, rank: int, cursor: tuple[datetime, int, int]) -> Q:
    """The rows of a kind of ``rank`` that come after the cursor, newest first."""
    at, cursor_rank, pk = cursor
    older = Q(**{f"{field}__lt": at})
    if rank < cursor_rank:
        return older | Q(**{field: at})
    if rank == cursor_rank:
        return older | Q(**{field: at, "pk__lt": pk})
    return older


def mentorship_timeline(
    *, mentorship: Any, viewer: Any, cursor: str | None = None, limit: int = PAGE_SIZE
) -> TimelinePage:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    position = decode_cursor(cursor) if cursor else None
    items: list[TimelineItem] = []
    for kind, (rows, field) in _sources(mentorship=mentorship, viewer=viewer).items():
        if position is not None:
            rows = rows.filter(_before(field=field, rank=RANK[kind], cursor=position))
        for row in rows.order_by(f"-{field}", "-pk")[: limit + 1]:
            items.append(TimelineItem(kind=kind, at=getattr(row, field), pk=row.pk, obj=row))
    items.sort(key=lambda item: (item.at, RANK[item.kind], item.pk), reverse=True)
    page = items[:limit]
    more = len(items) > limit
    return TimelinePage(items=page, next_cursor=encode_cursor(page[-1]) if more else None)
