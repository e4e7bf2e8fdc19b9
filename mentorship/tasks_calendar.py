"""Celery tasks of the calendar: invite emails and the reminder sweep (thin; ids in)."""

from typing import Any

from celery import shared_task

from mentorship.services.calendar import session_invite_send, session_reminders_send

RETRIED: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="mentorship.session_invite_send", **RETRIED)
def session_invite_send_task(session_id: int, method: str) -> int:
    """Email the session's invite (REQUEST or CANCEL) to both people; a retry sends the same
    UID and SEQUENCE again, which calendar apps treat as the same version."""
    return session_invite_send(session_id=session_id, method=method)


@shared_task(name="mentorship.session_reminders", acks_late=True, **RETRIED)
def session_reminders_task() -> dict[str, int]:
    """Beat: 24-hour and 15-minute reminders of booked sessions, each sent once."""
    report = session_reminders_send()
    return {"day": report.day, "soon": report.soon}
