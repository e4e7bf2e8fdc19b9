"""Celery tasks of notifications: thin wrappers; retry policy lives here, rules in services.

Beat runs ``notifications.release_held``, ``notifications.send_digests`` and
``notifications.clean_devices`` (settings CELERY_BEAT_SCHEDULE). The task sending one delivery,
``notifications.delivery_send``, lives with the delivery pipeline that queues it
(``notifications.services.delivery``); importing it here registers it wherever Celery's
autodiscovery imports this module.
"""

from celery import shared_task

from notifications.services.delivery import deliveries_release_held, delivery_send_task
from notifications.services.digest import digests_send
from notifications.services.push import devices_clean

__all__ = ["clean_devices_task", "delivery_send_task", "release_held_task", "send_digests_task"]


@shared_task(name="notifications.release_held", acks_late=True)
def release_held_task() -> int:
    return deliveries_release_held()


@shared_task(name="notifications.send_digests", acks_late=True)
def send_digests_task() -> int:
    return digests_send()


@shared_task(name="notifications.clean_devices")
def clean_devices_task() -> dict[str, int]:
    """Daily: drop push devices whose SNS endpoints are disabled."""
    return devices_clean()
