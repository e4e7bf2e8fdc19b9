"""What the event stream does when a person is deleted: their events lose the person."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete
from django.dispatch import receiver


@receiver(pre_delete, sender=get_user_model(), dispatch_uid="analytics.events.erase_actor")
def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from analytics.services.events_retention import events_erase_actor

    events_erase_actor(user_id=instance.pk)
