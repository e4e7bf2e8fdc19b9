"""Celery tasks of mentorship's meetings (thin: they call mentorship.services.meetings)."""

from celery import shared_task

from mentorship.services.meetings import meetings_end_due


@shared_task(name="mentorship.meetings_end_due", acks_late=True)
def meetings_end_due_task() -> int:
    """Beat: end the meetings of sessions past their end plus the grace period."""
    return meetings_end_due()
