"""Reads of the calendar: feeds by token, what a user's feed shows, sessions due a reminder.

Other apps add events to every feed through ``CALENDAR_FEED_SOURCES`` (registered by the
top layer, e.g. dashboards adds assignment due dates): mentorship cannot import them.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollments.selectors import enrollment_list
from kalpla.exceptions import NotFound
from mentorship.ical import FeedEvent, live_class_feed_event, session_feed_event
from mentorship.models import CalendarFeed, LiveClass, MentorSession

# Past events a feed still shows; everything ahead is shown.
FEED_PAST = timedelta(days=30)
# A feed this large is plenty for any calendar app; a source returns at most this many too.
FEED_MAX_EVENTS = 1000

FeedSource = Callable[..., list[FeedEvent]]
"""``source(*, user, since) -> list[FeedEvent]``: events from ``since`` on, bounded queries."""

CALENDAR_FEED_SOURCES: list[FeedSource] = []


def calendar_feed_source_register(source: FeedSource) -> FeedSource:
    """Add ``source`` to every feed (idempotent: ready() may run twice in tests)."""
    if source not in CALENDAR_FEED_SOURCES:
        CALENDAR_FEED_SOURCES.append(source)
    return source


def calendar_feed_get(*, user: Any) -> CalendarFeed | None:
    """The user's feed, or None when they have none (never made, or turned off)."""
    return CalendarFeed.objects.filter(user_id=user.pk).first()


def calendar_feed_get_by_token(*, token: str) -> CalendarFeed:
    """The feed of ``token`` with its user; unknown, revoked or of a deactivated user: 404."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
        if token
        else None
    )
    if feed is None:
        raise NotFound(_("No such calendar."), code="calendar_feed_not_found")
    return feed


def calendar_sessions(*, user: Any, since: datetime) -> QuerySet[MentorSession]:
    """The user's sessions in either role that end after ``since``, soonest first."""
    return (
        MentorSession.objects.filter(Q(mentor_id=user.pk) | Q(mentee_id=user.pk))
        .filter(ends_at__gte=since)
        .select_related("mentor", "mentee")
        .order_by("starts_at", "pk")
    )


def calendar_live_classes(*, user: Any, since: datetime) -> QuerySet[LiveClass]:
    """Live classes the user hosts or may watch as a student of the course (one query)."""
    enrolled_courses = enrollment_list(user=user).order_by().values("course_id")
    return (
        LiveClass.objects.filter(Q(host_id=user.pk) | Q(course_id__in=enrolled_courses))
        .filter(starts_at__gte=since - timedelta(hours=8))
        .select_related("course")
        .order_by("starts_at", "pk")
    )


def calendar_feed_events(*, user: Any, now: datetime | None = None) -> list[FeedEvent]:
    """Everything the user's feed shows: sessions, live classes and the registered sources'
    events, from 30 days ago on. Two queries plus each source's own."""
    now = now or timezone.now()
    since = now - FEED_PAST
    events = [
        session_feed_event(s) for s in calendar_sessions(user=user, since=since)[:FEED_MAX_EVENTS]
    ]
    events += [
        live_class_feed_event(c)
        for c in calendar_live_classes(user=user, since=since)[:FEED_MAX_EVENTS]
        if c.starts_at + timedelta(minutes=c.duration_minutes) >= since
    ]
    for source in CALENDAR_FEED_SOURCES:
        events += source(user=user, since=since)[:FEED_MAX_EVENTS]
    return sorted(events, key=lambda e: (e.starts_at, e.uid))


def session_for_participant(*, session_id: int, user: Any) -> MentorSession:
    """The session with mentor and mentee, for one of its two people only; others: 404."""
    session = (
        MentorSession.objects.select_related("mentor", "mentee")
        .filter(pk=session_id)
        .filter(Q(mentor_id=user.pk) | Q(mentee_id=user.pk))
        .first()
        if getattr(user, "is_authenticated", False) and user.is_active
        else None
    )
    if session is None:
        raise NotFound(_("No such session."), code="session_not_found")
    return session


def session_with_people(*, session_id: int) -> MentorSession | None:
    return MentorSession.objects.select_related("mentor", "mentee").filter(pk=session_id).first()
