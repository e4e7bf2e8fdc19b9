"""``track()``: report one piece of learning activity (see the package docstring)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from activity.signals import learning_event

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ObjectRef:
    """What the activity was about: a type ("course", "lesson", "quiz", ...) and an id."""

    type: str
    id: int | None = None
    name: str = ""


@dataclass(frozen=True)
class ActorRef:
    """An actor known by id only, so reporting loads no user row (``track(actor=...)``)."""

    pk: int | None
    is_authenticated: bool = True


@dataclass(frozen=True)
class LearningEvent:
    """One event as the apps report it; the analytics app stores it as it arrives."""

    verb: str
    object: ObjectRef
    actor_id: int | None = None
    anonymous_id: str = ""
    course_id: int | None = None
    occurred_at: datetime = field(default_factory=timezone.now)
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    platform: str = "server"
    result: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


def object_ref(obj: Any) -> ObjectRef:
    """An ObjectRef for a model instance (its model name and pk), or ``obj`` itself."""
    if isinstance(obj, ObjectRef):
        return obj
    meta = getattr(obj, "_meta", None)
    if meta is None:
        raise TypeError(f"track(object=...) needs a model instance or an ObjectRef, not {obj!r}")
    return ObjectRef(type=meta.model_name, id=obj.pk, name=str(getattr(obj, "title", "") or ""))


def _course_id(obj: Any, context: dict[str, Any]) -> int | None:
    if "course" in context:
        value = context.pop("course")
        return getattr(value, "pk", value)
    if isinstance(obj, ObjectRef):
        return obj.id if obj.type == "course" else None
    if obj._meta.model_name == "course":
        return obj.pk
    return getattr(obj, "course_id", None)


def track(
    *,
    actor: Any,
    verb: str,
    object: Any,
    context: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> LearningEvent:
    """Report that ``actor`` did ``verb`` to ``object``; sent on commit, never raises.

    ``actor`` is a user (or None for an anonymous visitor, whose first-party id goes in
    ``context["anonymous_id"]``). ``object`` is a model instance or an ``ObjectRef``.
    ``context`` may name the ``course`` (instance or id; taken from ``object.course_id`` when
    absent) and anything else worth keeping (JSON-able). ``result`` holds xAPI result fields:
    ``score`` (0..1 scaled), ``success``, ``completion``, ``duration`` (seconds), ``progress``.
    """
    ctx = dict(context) if context else {}
    ref = object if isinstance(object, ObjectRef) else object_ref(object)
    user_id = None
    if actor is not None and getattr(actor, "is_authenticated", True):
        user_id = getattr(actor, "pk", None)
    anonymous_id = ctx.pop("anonymous_id", "")
    platform = ctx.pop("platform", "server")
    event = LearningEvent(
        verb=verb if type(verb) is str else str(verb),
        object=ref,
        actor_id=user_id,
        anonymous_id=str(anonymous_id)[:64] if anonymous_id else "",
        course_id=_course_id(object, ctx),
        occurred_at=occurred_at or timezone.now(),
        platform=platform[:16] if type(platform) is str else str(platform)[:16],
        result=dict(result) if result else {},
        context=ctx,
    )
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _send(event))
    else:
        # Autocommit: nothing to wait for. (``on_commit`` would check the connection's
        # autocommit first, taking a database connection for a page that runs no query.)
        _send(event)
    return event


def _send(event: LearningEvent) -> None:
    try:
        learning_event.send(sender=LearningEvent, event=event)
    except Exception:
        # The activity happened and is committed; losing its record must not fail the request.
        logger.exception("recording learning event %s failed", event.verb)
