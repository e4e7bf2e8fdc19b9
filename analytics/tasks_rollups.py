"""Celery tasks of the daily rollups (thin: they call analytics.services.rollups)."""

from datetime import date
from typing import Any

from celery import shared_task

from analytics.services.rollups import rollup_day, rollup_recent

RETRIED: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(name="analytics.rollups_recent", **RETRIED)
def rollups_recent_task() -> list[str]:
    """Beat (hourly): yesterday's rollups (late events) and today's so far. Idempotent, so
    a redelivered or overlapping run writes the same rows."""
    return [f"{r.day}: {r.events}" for r in rollup_recent()]


@shared_task(name="analytics.rollup_day", **RETRIED)
def rollup_day_task(day: str) -> int:
    """Recompute one past day (the admin's "recompute" action queues one per day)."""
    return rollup_day(day=date.fromisoformat(day)).events
