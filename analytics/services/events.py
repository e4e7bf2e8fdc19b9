"""Storing learning events: what ``activity.track()`` reports, one cheap insert each."""

from __future__ import annotations

import logging
from typing import Any

from activity.tracking import LearningEvent
from analytics.models import Event

logger = logging.getLogger(__name__)

# The largest JSON we keep in an event's result or context (bytes of its repr, roughly).
JSON_MAX = 4000


def _small(data: dict[str, Any]) -> dict[str, Any]:
    return data if len(repr(data)) <= JSON_MAX else {"truncated": True}


def event_row(event: LearningEvent) -> Event:
    """The unsaved row for one reported event."""
    return Event(
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        anonymous_id=event.anonymous_id,
        verb=event.verb,
        object_type=event.object.type[:32],
        object_id=event.object.id,
        course_id=event.course_id,
        platform=event.platform,
        result=_small(event.result),
        context=_small(event.context),
    )


def event_record(*, event: LearningEvent) -> None:
    """Store one event (the ``learning_event`` receiver); a repeated event id is ignored."""
    Event.objects.bulk_create([event_row(event)], ignore_conflicts=True)


def event_record_receiver(sender: Any, *, event: LearningEvent, **kwargs: Any) -> None:
    event_record(event=event)
