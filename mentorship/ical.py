"""iCalendar documents of mentorship, built with the ``icalendar`` library (RFC 5545).

Two shapes:

- an invite (iTIP, RFC 5546): one session as ``METHOD:REQUEST`` (booked or updated) or
  ``METHOD:CANCEL`` (``STATUS:CANCELLED``), the session's ``ical_uid`` and ``ical_sequence``,
  the mentor as ORGANIZER, both people as ATTENDEEs and an alarm 15 minutes before;
- a feed: a published calendar of many events (no METHOD), fetched by calendar apps.

Everything here is pure: no queries beyond the related objects the caller selected.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

PRODID = "-//Kalpla//Mentoring//EN"
ALARM_BEFORE = timedelta(minutes=15)
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"
METHODS = (METHOD_REQUEST, METHOD_CANCEL)
# How often calendar apps should fetch a feed again (most apps pick their own interval).
FEED_REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedEvent:
    """One event of a feed. ``ends_at`` None: a moment (a due date), not a span."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime | None = None
    description: str = ""
    url: str = ""
    cancelled: bool = False
    sequence: int = 0
    # When the event last changed (DTSTAMP of a published calendar); the feed's ETag
    # stays the same while nothing changed.
    stamp: datetime | None = None
    category: str = ""


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def session_path(session_id: int) -> str:
    return reverse("mentorship:session", kwargs={"session_id": session_id})


def live_class_path(live_class_id: int) -> str:
    return reverse("mentorship:live_class", kwargs={"live_class_id": live_class_id})


def _utc(moment: datetime) -> datetime:
    return timezone.localtime(moment, UTC) if timezone.is_aware(moment) else moment


def session_summary(session: Any) -> str:
    return _("Mentoring: %(mentor)s and %(mentee)s") % {
        "mentor": session.mentor.display_name,
        "mentee": session.mentee.display_name,
    }


def session_description(session: Any, url: str) -> str:
    parts = []
    if session.agenda:
        parts.append(_("Agenda:") + "\n" + session.agenda)
    parts.append(_("Session page: %(url)s") % {"url": url})
    return "\n\n".join(parts)


def _address(user: Any) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = vText(user.display_name)
    return address


def _attendee(user: Any, *, role: str) -> vCalAddress:
    address = _address(user)
    address.params["ROLE"] = vText(role)
    # Booking is the agreement: nobody is asked to accept again.
    address.params["PARTSTAT"] = vText("ACCEPTED")
    address.params["CUTYPE"] = vText("INDIVIDUAL")
    address.params["RSVP"] = vText("FALSE")
    return address


def _calendar(method: str | None = None, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def session_invite_ics(*, session: Any, method: str, now: datetime | None = None) -> bytes:
    """The invite of ``session`` (mentor and mentee selected) as ``method``: REQUEST or CANCEL.

    A CANCEL carries ``STATUS:CANCELLED``; its SEQUENCE is the session's, which the calendar
    service raised when the session was cancelled, so calendars apply it over the request.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}.")
    url = absolute(session_path(session.pk))
    event = Event()
    event.add("uid", session.ical_uid)
    event.add("sequence", session.ical_sequence)
    event.add("dtstamp", _utc(now or timezone.now()))
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("summary", session_summary(session))
    event.add("description", session_description(session, url))
    event.add("url", url)
    event.add("location", url)
    event.add("organizer", _address(session.mentor))
    event.add("attendee", _attendee(session.mentor, role="CHAIR"))
    event.add("attendee", _attendee(session.mentee, role="REQ-PARTICIPANT"))
    event.add("status", "CANCELLED" if method == METHOD_CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if method == METHOD_REQUEST:
        event.add_component(_alarm(session_summary(session)))
    cal = _calendar(method)
    cal.add_component(event)
    return bytes(cal.to_ical())


def _alarm(summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm


def session_feed_event(session: Any) -> FeedEvent:
    """A session (mentor and mentee selected) as a feed event; cancelled ones stay, marked."""
    url = absolute(session_path(session.pk))
    return FeedEvent(
        uid=session.ical_uid,
        summary=session_summary(session),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        description=session_description(session, url),
        url=url,
        cancelled=session.status == "cancelled",
        sequence=session.ical_sequence,
        stamp=session.updated_at,
        category=_("Mentoring"),
    )


def live_class_feed_event(live_class: Any) -> FeedEvent:
    """A live class (course selected) as a feed event."""
    url = absolute(live_class_path(live_class.pk))
    description = "\n\n".join(
        part
        for part in (
            _("Live class of %(course)s") % {"course": live_class.course.title},
            live_class.description,
            _("Class page: %(url)s") % {"url": url},
        )
        if part
    )
    return FeedEvent(
        uid=f"live-class-{live_class.pk}@kalpla",
        summary=_("Live class: %(title)s") % {"title": live_class.title},
        starts_at=live_class.starts_at,
        ends_at=live_class.starts_at + timedelta(minutes=live_class.duration_minutes),
        description=description,
        url=url,
        cancelled=live_class.status == "cancelled",
        stamp=live_class.updated_at,
        category=_("Live class"),
    )


def feed_ics(*, name: str, events: Iterable[FeedEvent], now: datetime | None = None) -> bytes:
    """A published calendar of ``events`` (all times in UTC)."""
    cal = _calendar(name=name)
    cal.add("x-published-ttl", FEED_REFRESH)
    cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    fallback_stamp = now or timezone.now()
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("sequence", item.sequence)
        event.add("dtstamp", _utc(item.stamp or fallback_stamp))
        event.add("dtstart", _utc(item.starts_at))
        if item.ends_at is not None:
            event.add("dtend", _utc(item.ends_at))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        if item.category:
            event.add("categories", [item.category])
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        # A moment (a due date) does not make anyone busy.
        event.add("transp", "OPAQUE" if item.ends_at is not None else "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())
