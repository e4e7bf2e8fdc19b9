"""Celery tasks of live classes: thin, they receive ids and call the services."""

from celery import shared_task

from kalpla.integrations.base import TransientIntegrationError


@shared_task(
    name="mentorship.live_class_notify",
    autoretry_for=(TransientIntegrationError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def live_class_notify_task(*, live_class_id: int, kind: str) -> int:
    from mentorship.services.live_notices import live_class_notify

    return live_class_notify(live_class_id=live_class_id, kind=kind)


@shared_task(name="mentorship.live_class_remind")
def live_class_remind_task() -> int:
    """Beat, every minute: reminders of the classes starting within 15 minutes."""
    from mentorship.services.live_notices import live_class_remind_due

    return live_class_remind_due()
