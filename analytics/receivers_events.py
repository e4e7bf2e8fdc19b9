"""Receivers of the event stream: reported events are stored (or buffered), a sign-in links
the visitor's earlier events, and a deleted person's events lose the person."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from activity.tracking import LearningEvent
from activity.verbs import Verb
from analytics.services.events import event_record
from analytics.tasks_events import events_buffer_drain_task, events_link_visitor_task


@receiver(pre_delete, sender=get_user_model(), dispatch_uid="analytics.events.erase_actor")
def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from analytics.services.events_retention import events_erase_actor

    events_erase_actor(user_id=instance.pk)


def event_record_receiver(sender: Any, *, event: LearningEvent, **kwargs: Any) -> None:
    """The ``learning_event`` receiver (connected in ``AnalyticsConfig.ready``)."""
    if event_record(event=event):
        events_buffer_drain_task.delay()
    if event.verb == Verb.LOGGED_IN and event.anonymous_id and event.actor_id:
        # What this browser did before signing in becomes the account's (on Celery).
        events_link_visitor_task.delay(anonymous_id=event.anonymous_id, user_id=event.actor_id)
