"""Keeping the raw event stream lawful: retention, erasure, and linking a visitor to an account.

The daily aggregates of other areas are separate tables and are kept; only raw events age out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analytics.models import Event

PRUNE_BATCH = 10_000
LINK_BATCH = 5_000
# How far back a visitor's anonymous events are linked to the account they sign in to.
LINK_DAYS = 90
# Context keys that describe a person (or their device) rather than the activity.
PERSONAL_CONTEXT_KEYS = frozenset(
    {"anonymous_id", "ip", "user_agent", "email", "name", "phone", "device_token", "referrer"}
)


def events_prune(*, now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete raw events older than ``KALPLA_ANALYTICS_RAW_DAYS``, ``batch`` rows per
    statement (short locks, no huge transaction). Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.KALPLA_ANALYTICS_RAW_DAYS)
    deleted = 0
    while True:
        ids = list(
            Event.objects.filter(occurred_at__lt=cutoff)
            .order_by()
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return deleted
        deleted += Event.objects.filter(pk__in=ids).delete()[0]


def events_erase_actor(*, user_id: int) -> int:
    """An erased person's events keep the activity and lose the person: actor NULL, the
    visitor id cleared (on the events of their visitor ids too), personal context keys
    dropped. Returns the events changed."""
    visitor_ids = set(
        Event.objects.filter(actor_id=user_id)
        .exclude(anonymous_id="")
        .values_list("anonymous_id", flat=True)
        .distinct()
    )
    theirs = Event.objects.filter(actor_id=user_id)
    if visitor_ids:
        theirs = theirs | Event.objects.filter(anonymous_id__in=visitor_ids)
    changed = 0
    last = 0
    with transaction.atomic():
        while True:
            rows = list(
                theirs.filter(pk__gt=last).order_by("pk").only("pk", "context")[:LINK_BATCH]
            )
            if not rows:
                return changed
            for row in rows:
                row.actor_id = None
                row.anonymous_id = ""
                row.context = {
                    k: v for k, v in (row.context or {}).items() if k not in PERSONAL_CONTEXT_KEYS
                }
            Event.objects.bulk_update(rows, ["actor", "anonymous_id", "context"])
            changed += len(rows)
            last = rows[-1].pk


def events_link_visitor(*, anonymous_id: str, user_id: int, now: datetime | None = None) -> int:
    """Give the account ``user_id`` the recent anonymous events of the visitor id it signed
    in from (the last ``LINK_DAYS`` days, in batches). Returns the events linked."""
    if not anonymous_id:
        return 0
    since = (now or timezone.now()) - timedelta(days=LINK_DAYS)
    linked = 0
    while True:
        ids = list(
            Event.objects.filter(
                anonymous_id=anonymous_id, actor__isnull=True, occurred_at__gte=since
            )
            .order_by()
            .values_list("pk", flat=True)[:LINK_BATCH]
        )
        if not ids:
            return linked
        linked += Event.objects.filter(pk__in=ids).update(actor_id=user_id)
