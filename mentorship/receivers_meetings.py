"""Meetings listen to the sessions: a cancelled or rescheduled session's meeting ends now."""

from typing import Any

from mentorship.tasks_meetings import meeting_end_task

ENDS_MEETING = ("cancelled", "rescheduled")


def meeting_end_on_session_change(sender: Any, *, session: Any, change: str, **kwargs: Any) -> None:
    """session_changed is sent on commit, so the task finds the change saved."""
    if change in ENDS_MEETING and session.meeting_id and session.meeting_ended_at is None:
        meeting_end_task.delay(session_id=session.pk)
