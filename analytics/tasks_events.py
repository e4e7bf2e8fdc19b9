"""Celery tasks of the event stream (thin: a service does the work)."""

from typing import Any

from celery import shared_task
from django.conf import settings

RETRIED: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="analytics.events_buffer_drain", **RETRIED)
def events_buffer_drain_task() -> int:
    from analytics.services.events import events_buffer_drain, events_buffer_length

    stored = events_buffer_drain()
    if events_buffer_length() >= max(settings.KALPLA_ANALYTICS_FLUSH_SIZE, 1):
        events_buffer_drain_task.delay()  # a backlog bigger than one run: keep going
    return stored


@shared_task(name="analytics.events_prune", **RETRIED)
def events_prune_task() -> int:
    from analytics.services.events_retention import events_prune

    return events_prune()


@shared_task(name="analytics.events_link_visitor", **RETRIED)
def events_link_visitor_task(*, anonymous_id: str, user_id: int) -> int:
    from analytics.services.events_retention import events_link_visitor

    return events_link_visitor(anonymous_id=anonymous_id, user_id=user_id)
