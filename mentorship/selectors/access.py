"""Who is in a meeting or a live class: the lookups the signalling sockets authorise with."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from courses.selectors.activity import course_active_instructors
from enrollments.selectors import course_students_query
from mentorship.models import LiveClass, MentorSession
from mentorship.policies import live_class_can_manage, live_class_can_watch, session_can_join


@dataclass(frozen=True)
class RoomSeat:
    """A user's place in a signalling room: ``role`` is "peer", "host" or "viewer"."""

    role: str
    name: str


def meeting_seat(*, session_id: int, user: Any) -> RoomSeat | None:
    """The mentor or the mentee of a booked session, inside its join window; else None."""
    session = MentorSession.objects.filter(pk=session_id).first()
    if session is None or not session_can_join(
        user=user,
        mentor_id=session.mentor_id,
        mentee_id=session.mentee_id,
        status=session.status,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        now=timezone.now(),
    ):
        return None
    return RoomSeat(role="peer", name=user.get_full_name() or user.get_username())


def live_class_seat(*, live_class_id: int, user: Any) -> RoomSeat | None:
    """The host (or staff) broadcasts; enrolled students and instructors watch."""
    live = LiveClass.objects.filter(pk=live_class_id).first()
    if live is None or live.status in (LiveClass.Status.ENDED, LiveClass.Status.CANCELLED):
        return None
    name = user.get_full_name() or user.get_username()
    if live_class_can_manage(user=user, host_id=live.host_id) and user.pk == live.host_id:
        return RoomSeat(role="host", name=name)
    allowed = live_class_can_watch(
        user=user,
        host_id=live.host_id,
        is_enrolled=course_students_query(course_id=live.course_id, user_id=user.pk).exists(),
        teaches=any(
            teacher.pk == user.pk
            for teacher in course_active_instructors(course_ids=[live.course_id]).get(
                live.course_id, []
            )
        ),
    )
    return RoomSeat(role="viewer", name=name) if allowed else None
