"""The calendar's part of the session page: "Add to calendar" (the session's invite)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def session_calendar_part(*, request: HttpRequest, session: Any) -> dict[str, Any]:
    """For ``templates/mentorship/calendar/_session_invite.html``; no queries."""
    return {
        "calendar_invite_url": reverse(
            "mentorship:session_invite", kwargs={"session_id": session.pk}
        ),
        "calendar_settings_url": reverse("mentorship:calendar"),
    }
