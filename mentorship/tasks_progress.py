from celery import shared_task

from mentorship.services.outcomes import sessions_complete_due


@shared_task(name="mentorship.sessions_complete_due", acks_late=True)
def sessions_complete_due_task() -> int:
    """Beat: booked sessions past their end (plus the join grace) become completed."""
    return sessions_complete_due()
