"""Celery tasks of notifications: thin wrappers; retry policy lives here, rules in services.

Beat runs ``notifications.release_held`` and ``notifications.send_digests`` (settings
CELERY_BEAT_SCHEDULE); ``notifications.clean_devices`` lives with the push channel.
"""

from typing import Any

from celery import shared_task

from jobs.retry import task_retry_or_give_up
from kalpla.integrations.base import TransientIntegrationError


@shared_task(bind=True, name="notifications.delivery_send", acks_late=True, max_retries=None)
def delivery_send_task(self: Any, delivery_id: int) -> str:
    from notifications.selectors import delivery_get
    from notifications.services import delivery as svc

    delivery = delivery_get(delivery_id=delivery_id)
    if delivery is None:
        return "missing"
    try:
        delivery = svc.delivery_send(delivery=delivery)
    except TransientIntegrationError as exc:
        failing = delivery
        return task_retry_or_give_up(
            self,
            exc=exc,
            attempts=failing.attempts,
            policy=svc.DELIVERY_RETRY,
            give_up=lambda error: svc.delivery_fail(delivery=failing, error=error),
        )
    return str(delivery.status)


@shared_task(name="notifications.release_held", acks_late=True)
def release_held_task() -> int:
    from notifications.services.delivery import deliveries_release_held

    return deliveries_release_held()


@shared_task(name="notifications.send_digests", acks_late=True)
def send_digests_task() -> int:
    from notifications.services.digest import digests_send

    return digests_send()
