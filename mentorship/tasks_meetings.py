"""Celery tasks of mentorship's meetings (thin: they call mentorship.services.meetings)."""

from celery import shared_task

from kalpla.integrations.base import TransientIntegrationError
from mentorship.services.meetings import meeting_end, meetings_end_due


@shared_task(name="mentorship.meetings_end_due", acks_late=True)
def meetings_end_due_task() -> int:
    """Beat: end the meetings of sessions past their end plus the grace period."""
    return meetings_end_due()


@shared_task(
    name="mentorship.meeting_end",
    acks_late=True,
    autoretry_for=(TransientIntegrationError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def meeting_end_task(session_id: int) -> bool:
    """End a cancelled or rescheduled session's meeting now (the beat task is the backstop)."""
    return meeting_end(session_id=session_id)
