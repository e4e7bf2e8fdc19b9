"""Receivers of the event stream: reported events are stored (or buffered), a sign-in links
the visitor's earlier events, and a deleted person's events lose the person."""

from typing import Any

from celery.signals import task_postrun
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from activity.tracking import LearningEvent
from activity.verbs import Verb
from analytics.services.events import event_record, events_flush
from analytics.tasks_events import events_buffer_drain_task, events_link_visitor_task


@receiver(pre_delete, sender=get_user_model(), dispatch_uid="analytics.events.erase_actor")
def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from analytics.services.events_retention import events_erase_actor

    events_erase_actor(user_id=instance.pk)


def _drain_soon() -> None:
    events_buffer_drain_task.delay()


def event_record_receiver(sender: Any, *, event: LearningEvent, **kwargs: Any) -> None:
    """The ``learning_event`` receiver (connected in ``AnalyticsConfig.ready``)."""
    # A function, not the task's bound ``delay``: Celery's task proxy costs an attribute
    # lookup through its machinery on every event, and the drain is seldom due.
    event_record(event=event, on_due=_drain_soon)
    if event.verb == Verb.LOGGED_IN and event.anonymous_id and event.actor_id:
        # What this browser did before signing in becomes the account's (on Celery).
        events_link_visitor_task.delay(anonymous_id=event.anonymous_id, user_id=event.actor_id)


@task_postrun.connect(dispatch_uid="analytics.events.flush_after_task")
def _flush_after_task(sender: Any = None, **kwargs: Any) -> None:
    """A worker's events reach the buffer when its task ends (a pool child may be ended
    without running exit handlers). An eager task's events go with its caller's."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    events_flush()
