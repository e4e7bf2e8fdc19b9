"""Celery tasks of booking (thin: ids in, a service does the work)."""

from celery import shared_task


@shared_task(
    name="mentorship.session_notify",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def session_notify_task(*, session_id: int, change: str) -> int:
    from mentorship.services.booking_notices import session_notify

    return session_notify(session_id=session_id, change=change)
