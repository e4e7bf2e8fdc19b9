"""Who may do what in mentorship: small pure functions the services and consumers call.

Facts (is the user enrolled, what time is it) are passed in by the caller, so these import no
services and run no queries.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from accounts.policies import user_is_active, user_is_mentor, user_is_staff

# "Join" opens this long before a session starts...
JOIN_EARLY = timedelta(minutes=10)


def join_grace() -> timedelta:
    """... and stays open this long after it ends (KALPLA_MEETING_GRACE_MINUTES)."""
    return timedelta(minutes=settings.KALPLA_MEETING_GRACE_MINUTES)


def mentor_can_offer(user: Any) -> bool:
    """Has (or may create) a mentor profile: the Mentor role."""
    return user_is_mentor(user)


def mentorship_can_view(*, user: Any, mentor_id: int, mentee_id: int) -> bool:
    """The two people in it, and staff (who run the programme)."""
    return user_is_active(user) and (user.pk in (mentor_id, mentee_id) or user_is_staff(user))


def mentorship_is_participant(*, user: Any, mentor_id: int, mentee_id: int) -> bool:
    """Writes inside a mentorship (booking, notes, goals) are the two people's only."""
    return user_is_active(user) and user.pk in (mentor_id, mentee_id)


def session_join_window(*, starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    return starts_at - JOIN_EARLY, ends_at + join_grace()


def session_can_join(
    *,
    user: Any,
    mentor_id: int,
    mentee_id: int,
    status: str,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> bool:
    """Only the mentor and the mentee, only a booked session, only inside the join window."""
    if not mentorship_is_participant(user=user, mentor_id=mentor_id, mentee_id=mentee_id):
        return False
    opens, closes = session_join_window(starts_at=starts_at, ends_at=ends_at)
    return status == "booked" and opens <= now <= closes


def live_class_can_manage(*, user: Any, host_id: int) -> bool:
    """The host sees the stream key, starts and ends the class; staff may too."""
    return user_is_active(user) and (user.pk == host_id or user_is_staff(user))


def live_class_can_watch(*, user: Any, host_id: int, is_enrolled: bool, teaches: bool) -> bool:
    """Enrolled students, the course's instructors, the host and staff."""
    if not user_is_active(user):
        return False
    return is_enrolled or teaches or user.pk == host_id or user_is_staff(user)
