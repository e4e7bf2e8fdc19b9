"""Reads of the raw event stream: a time range, and its events as xAPI 1.0.3 statements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from activity.verbs import verb_info
from analytics.models import Event
from courses.selectors.activity import course_in_bulk

XAPI_VERSION = "1.0.3"
# Result keys that have no xAPI field of their own go to result.extensions under these IRIs.
CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"


def event_range(*, since: datetime, until: datetime | None = None) -> QuerySet[Event]:
    """Events that occurred in [since, until): the BRIN index on occurred_at finds them."""
    events = Event.objects.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    return events


def _own(path: str) -> str:
    return f"{settings.KALPLA_XAPI_IRI_BASE.rstrip('/')}/{path}"


def iso_duration(seconds: Any) -> str:
    """Seconds as an ISO 8601 duration (``PT1H2M3.5S``), as xAPI's result.duration wants."""
    value = Decimal(str(max(float(seconds), 0.0))).quantize(Decimal("0.01"))
    hours, rest = divmod(value, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    if secs or text == "PT":
        secs_text = f"{secs.normalize():f}"
        text += f"{secs_text}S"
    return text


class _Activities:
    """Activity ids and names for one page of statements (course titles in one query)."""

    def __init__(self, events: Iterable[Event]) -> None:
        ids = {e.course_id for e in events if e.course_id}
        ids |= {e.object_id for e in events if e.object_type == "course" and e.object_id}
        self.courses = course_in_bulk(course_ids=ids)
        self.site = settings.SITE_URL.rstrip("/")

    def course(self, course_id: int) -> dict[str, Any]:
        course = self.courses.get(course_id)
        if course is None:  # deleted since: the id alone still says which one
            return self._activity(_own(f"activities/course/{course_id}"), f"course {course_id}")
        url = self.site + reverse("courses:detail", args=[course.slug])
        return self._activity(url, course.title)

    def of(self, event: Event) -> dict[str, Any]:
        if event.object_type == "course" and event.object_id:
            return self.course(event.object_id)
        suffix = f"/{event.object_id}" if event.object_id is not None else ""
        name = f"{event.object_type} {event.object_id or ''}".strip()
        return self._activity(_own(f"activities/{event.object_type}{suffix}"), name)

    @staticmethod
    def _activity(iri: str, name: str) -> dict[str, Any]:
        return {"objectType": "Activity", "id": iri, "definition": {"name": {"en-US": name}}}


def _actor(event: Event) -> dict[str, Any]:
    # An account on this site, never an email: the LRS needs a stable id, not a person's
    # address (mbox would copy personal data to another system). Erased people are anonymous.
    home = settings.SITE_URL.rstrip("/")
    if event.actor_id:
        name = str(event.actor_id)
    elif event.anonymous_id:
        name = f"visitor:{event.anonymous_id}"
    else:
        name = "anonymous"
    return {"objectType": "Agent", "account": {"homePage": home, "name": name}}


def _result(event: Event) -> dict[str, Any] | None:
    data = event.result or {}
    result: dict[str, Any] = {}
    score = {k: data[k] for k in ("raw", "max") if isinstance(data.get(k), int | float)}
    if isinstance(data.get("score"), int | float):
        score["scaled"] = max(-1.0, min(1.0, float(data["score"])))
    if "raw" in score and "max" in score:
        score["min"] = 0
    if score:
        result["score"] = score
    if isinstance(data.get("success"), bool):
        result["success"] = data["success"]
    if isinstance(data.get("completion"), bool):
        result["completion"] = data["completion"]
    if isinstance(data.get("duration"), int | float):
        result["duration"] = iso_duration(data["duration"])
    extensions: dict[str, Any] = {}
    if isinstance(data.get("progress"), int | float):
        extensions[CMI5_PROGRESS] = round(float(data["progress"]) * 100)
    for key in ("amount", "currency"):
        if key in data:
            extensions[_own(f"extensions/{key}")] = data[key]
    if extensions:
        result["extensions"] = extensions
    return result or None


def xapi_statements(events: list[Event]) -> list[dict[str, Any]]:
    """The events as xAPI 1.0.3 statements (one query for the course names)."""
    activities = _Activities(events)
    statements = []
    for event in events:
        verb = verb_info(event.verb)
        statement: dict[str, Any] = {
            "id": str(event.event_id),
            "actor": _actor(event),
            "verb": {"id": verb.iri, "display": {"en-US": verb.display}},
            "object": activities.of(event),
            "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
            "stored": event.received_at.isoformat().replace("+00:00", "Z"),
            "version": XAPI_VERSION,
        }
        result = _result(event)
        if result:
            statement["result"] = result
        context: dict[str, Any] = {"platform": event.platform}
        if event.course_id and not (
            event.object_type == "course" and event.object_id == event.course_id
        ):
            context["contextActivities"] = {"parent": [activities.course(event.course_id)]}
        statement["context"] = context
        statements.append(statement)
    return statements
