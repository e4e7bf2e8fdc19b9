"""Celery tasks of the email/SMS/push channels.

Imported by notifications.services.push (loaded at startup by the app config), because Celery's
autodiscovery only imports ``notifications.tasks``.
"""

from celery import shared_task


@shared_task(name="notifications.clean_devices")
def clean_devices_task() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE): drop push devices whose SNS endpoints are disabled."""
    from notifications.services.push import devices_clean  # avoids an import cycle

    return devices_clean()
