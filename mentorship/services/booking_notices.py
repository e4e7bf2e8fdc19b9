"""What the two people of a session are told when it is booked, cancelled or moved.

One notify() per person: the time is written in that person's own zone (the templates get
``when``, ``zone`` and, for a move, ``previous_when``), and ``by_me`` says whether they made
the change themselves. Each notice carries a dedupe key, so a task run twice tells nobody
twice.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import dateformat

from mentorship.models import MentorSession
from notifications.services.notify import notify

CHANGES = ("booked", "cancelled", "rescheduled")


def when_in_zone(moment: datetime, zone: str) -> str:
    """ "Tue 8 Dec 2026, 15:00" in ``zone`` (the month and day names in the active language)."""
    return dateformat.format(moment.astimezone(ZoneInfo(zone or "UTC")), "D j M Y, H:i")


def session_notify(*, session_id: int, change: str) -> int:
    """Tell both people about ``change`` of the session; returns how many were told."""
    assert change in CHANGES, change
    session = (
        MentorSession.objects.select_related(
            "mentor", "mentee", "cancelled_by", "booked_by", "rescheduled_from"
        )
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return 0
    actor = session.cancelled_by if change == "cancelled" else session.booked_by
    told = 0
    for person, other in ((session.mentor, session.mentee), (session.mentee, session.mentor)):
        zone = getattr(person, "timezone", "") or "UTC"
        context: dict[str, Any] = {
            "when": when_in_zone(session.starts_at, zone),
            "zone": zone,
            "minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
            "other_name": other.display_name,
            "by_me": actor is not None and actor.pk == person.pk,
            "reason": session.cancel_reason if change == "cancelled" else "",
            "agenda": session.agenda,
        }
        if change == "rescheduled" and session.rescheduled_from is not None:
            context["previous_when"] = when_in_zone(session.rescheduled_from.starts_at, zone)
        notify(
            recipients=[person],
            kind=f"mentorship.session_{change}",
            context=context,
            url=reverse("mentorship:session", args=[session.pk]),
            dedupe_key=f"mentor-session:{session.pk}:{change}:{session.ical_sequence}",
        )
        told += 1
    return told
