"""The calendar listens to bookings: every change of a session reaches both calendars."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from mentorship.ical import METHOD_CANCEL, METHOD_REQUEST, METHODS
from mentorship.signals import session_booked, session_changed
from mentorship.tasks_calendar import session_invite_send_task


def session_invite_queue(*, session_id: int, method: str) -> None:
    """Email both people the invite of the session once the transaction commits.

    The invite carries the session's ``ical_sequence`` as it is then: the services that
    change a session raise it (booking.py), so calendars take the new version over theirs.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}.")
    transaction.on_commit(
        lambda: session_invite_send_task.delay(session_id=session_id, method=method)
    )


@receiver(session_booked, dispatch_uid="mentorship.calendar.session_booked")
def invite_on_booking(sender: Any, session: Any, **kwargs: Any) -> None:
    """A new booking (also the new session of a reschedule): its REQUEST."""
    session_invite_queue(session_id=session.pk, method=METHOD_REQUEST)


@receiver(session_changed, dispatch_uid="mentorship.calendar.session_changed")
def invite_on_change(sender: Any, session: Any, change: str, **kwargs: Any) -> None:
    """Cancelled, or the old session of a reschedule: a CANCEL with the higher SEQUENCE the
    change gave it (the new session's REQUEST comes with its own session_booked). Completed
    and no-show sessions keep the event people already have."""
    if change in ("cancelled", "rescheduled"):
        session_invite_queue(session_id=session.pk, method=METHOD_CANCEL)
