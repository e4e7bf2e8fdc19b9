"""Raw events for the rollup tests: rows written as the reporters would, at a chosen time."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from analytics.models import Event

NOON = time(12, 0)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_default_timezone())


def ev(
    verb: str,
    day: date,
    *,
    actor: int | None = None,
    anonymous: str = "",
    course: int | None = None,
    obj: tuple[str, int | None] = ("course", None),
    result: dict[str, Any] | None = None,
    hour: int = 12,
) -> Event:
    object_type, object_id = obj
    if object_type == "course" and object_id is None:
        object_id = course
    return Event(
        occurred_at=at(day, hour),
        actor_id=actor,
        anonymous_id=anonymous,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        course_id=course,
        result=result or {},
    )


def store(*events: Event) -> None:
    Event.objects.bulk_create(events)


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
