"""Writes of the calendar: invites by email, private feeds, session reminders.

Invites: every booking sends both people a ``METHOD:REQUEST`` invite; a cancellation (and
the old session of a reschedule) sends a ``METHOD:CANCEL`` with the same UID and the higher
``ical_sequence`` the booking service gave the change, so calendar apps remove the event they added. The new
session of a reschedule is a booking of its own (new UID, its own REQUEST).

Reminders: a beat task (every minute) tells both people 24 hours and 15 minutes before a
booked session, each once, also when two sweeps run at the same time.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from mentorship.ical import (
    METHOD_CANCEL,
    METHOD_REQUEST,
    absolute,
    feed_ics,
    session_invite_ics,
    session_path,
    session_summary,
)
from mentorship.models import CalendarFeed, MentorSession
from mentorship.models.calendar import _feed_token
from mentorship.selectors.calendar import calendar_feed_events, session_with_people
from notifications.services.email import recipient_locale
from notifications.services.notify import notify
from notifications.services.suppression import email_is_suppressed

logger = logging.getLogger(__name__)

INVITE_FILENAME = "invite.ics"
# last_fetched_at is written at most this often (a calendar app polls every few minutes).
FEED_TOUCH_EVERY = timedelta(hours=1)
REMINDER_KIND = "mentorship.session_reminder"
REMIND_DAY = timedelta(hours=24)
REMIND_SOON = timedelta(minutes=15)
REMINDER_BATCH = 500


# --- invites ---------------------------------------------------------------------------------


def session_invite_send(*, session_id: int, method: str) -> int:
    """Send the invite to both people (each in their language and time zone); returns how
    many were sent. Deactivated people and suppressed addresses get nothing; a REQUEST for a
    session that is no longer booked is not sent (a CANCEL follows or went already)."""
    session = session_with_people(session_id=session_id)
    if session is None:
        return 0
    if method == METHOD_REQUEST and session.status != MentorSession.Status.BOOKED:
        return 0
    sent = 0
    for user, other in ((session.mentor, session.mentee), (session.mentee, session.mentor)):
        if not user.is_active or not user.email or email_is_suppressed(email=user.email):
            continue
        with recipient_locale(user):
            message = _invite_message(session=session, user=user, other=other, method=method)
        message.send()
        sent += 1
    return sent


def _invite_message(
    *, session: MentorSession, user: Any, other: Any, method: str
) -> EmailMultiAlternatives:
    """The email of one invite; the caller has set the recipient's language and zone."""
    context = {
        "user": user,
        "other": other,
        "other_name": other.display_name,
        "session": session,
        "cancelled": method == METHOD_CANCEL,
        "when": _when(session.starts_at),
        "until": date_format(timezone.localtime(session.ends_at), "H:i"),
        "zone": timezone.get_current_timezone_name(),
        "summary": session_summary(session),
        "url": absolute(session_path(session.pk)),
    }
    subject = " ".join(render_to_string("mentorship/calendar/invite_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("mentorship/calendar/invite_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=get_connection(),
    )
    message.attach(_ics_part(session_invite_ics(session=session, method=method), method))
    return message


def _ics_part(ics: bytes, method: str) -> MIMEText:
    """text/calendar with its iTIP method, as calendar apps (Outlook, Gmail) expect."""
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=INVITE_FILENAME)
    return part


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, H:i")


# --- feeds -----------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_rotate(*, user: Any) -> CalendarFeed:
    """A new secret link; the old one stops working at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user_id=user.pk)
    if not created:
        feed.token = _feed_token()
        feed.created_at = timezone.now()
        feed.last_fetched_at = None
        feed.full_clean()
        feed.save(update_fields=["token", "created_at", "last_fetched_at"])
    return feed


def calendar_feed_revoke(*, user: Any) -> bool:
    """Turn the feed off (the link answers 404); True when there was one."""
    deleted, _by_model = CalendarFeed.objects.filter(user_id=user.pk).delete()
    return deleted > 0


def calendar_feed_render(*, feed: CalendarFeed, now: datetime | None = None) -> bytes:
    """The feed's iCalendar text; notes the fetch (at most once an hour)."""
    now = now or timezone.now()
    user = feed.user
    body = feed_ics(
        name=f"Kalpla ({user.display_name})",
        events=calendar_feed_events(user=user, now=now),
        now=now,
    )
    calendar_feed_touch(feed=feed, now=now)
    return body


def calendar_feed_touch(*, feed: CalendarFeed, now: datetime) -> None:
    """Record that the feed was fetched, writing at most once an hour (also across workers)."""
    if feed.last_fetched_at is not None and feed.last_fetched_at > now - FEED_TOUCH_EVERY:
        return
    CalendarFeed.objects.filter(pk=feed.pk).filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - FEED_TOUCH_EVERY)
    ).update(last_fetched_at=now)
    feed.last_fetched_at = now


# --- reminders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderReport:
    day: int
    soon: int


def session_reminders_send(*, now: datetime | None = None) -> ReminderReport:
    """Remind both people of booked sessions: 15 minutes before, and 24 hours before when
    the session was booked before that window opened (a session booked 10 minutes ahead
    gets only the 15-minute reminder; one booked this afternoon for tonight no 24-hour one).

    Exactly once: the rows are locked (others' locked rows skipped) and marked in the same
    transaction as the notifications are stored.
    """
    now = now or timezone.now()
    soon = _remind(
        now=now,
        which="soon",
        due=Q(starts_at__gt=now, starts_at__lte=now + REMIND_SOON, reminded_soon_at__isnull=True),
        # the 15-minute reminder stands for the day's too
        mark={"reminded_soon_at": now, "reminded_day_at": now},
    )
    day = _remind(
        now=now,
        which="day",
        due=Q(
            starts_at__gt=now + REMIND_SOON,
            starts_at__lte=now + REMIND_DAY,
            reminded_day_at__isnull=True,
            created_at__lte=F("starts_at") - REMIND_DAY,
        ),
        mark={"reminded_day_at": now},
    )
    return ReminderReport(day=day, soon=soon)


def _remind(*, now: datetime, which: str, due: Q, mark: dict[str, datetime]) -> int:
    with transaction.atomic():
        sessions = list(
            MentorSession.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due, status=MentorSession.Status.BOOKED)
            .select_related("mentor", "mentee")
            .order_by("starts_at", "pk")[:REMINDER_BATCH]
        )
        if not sessions:
            return 0
        MentorSession.objects.filter(pk__in=[s.pk for s in sessions]).update(**mark)
        for session in sessions:
            _notify_reminder(session=session, which=which)
    return len(sessions)


def _notify_reminder(*, session: MentorSession, which: str) -> None:
    """Each person in their own time zone (the text says when, in their hours)."""
    url = session_path(session.pk)
    for user, other in ((session.mentor, session.mentee), (session.mentee, session.mentor)):
        with recipient_locale(user):
            when = _when(session.starts_at)
            zone = timezone.get_current_timezone_name()
        notify(
            recipients=[user],
            kind=REMINDER_KIND,
            context={
                "which": which,
                "other_name": other.display_name,
                "when": when,
                "zone": zone,
                "agenda": session.agenda,
                "session_id": session.pk,
                "starts_at": session.starts_at,
            },
            url=url,
            dedupe_key=f"{REMINDER_KIND}:{session.pk}:{which}",
            urgent=which == "soon",
        )
