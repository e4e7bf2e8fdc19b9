"""Booking, cancelling and rescheduling mentoring sessions.

Rules (the mentor's profile holds the numbers):

- Only the mentee or the mentor of an ACTIVE mentorship books; the length is one the mentor
  offers; the start must be a slot ``free_slots`` offers at that moment, so minimum notice,
  buffer, daily maximum, booking horizon, exceptions and the mentee's own other sessions all
  apply, whoever books.
- Double booking: the mentor's profile row is locked (``select_for_update``, which also
  serialises writers on SQLite) before the slot is checked again and the session inserted;
  on PostgreSQL the exclusion constraint of migration 0002 is the last guard. Both end in
  ``Conflict`` with code ``slot_taken``.
- Cancelling: the mentee until ``cancel_window_hours`` before the start, the mentor any time
  before the start (they are the one who cannot make it, and the mentee is told).
- Rescheduling: the same, with ``reschedule_window_hours``; the old session is cancelled
  and linked to the new one (``rescheduled_from``) in one transaction, so a refused new slot
  leaves the old booking as it was.

Every change raises ``ical_sequence`` of the session it changes; ``session_booked`` and
``session_changed`` (mentorship/signals.py) are sent on commit (the calendar area sends the
iCalendar invites), and both people are told through notify() (tasks_booking).
"""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import track
from activity.verbs import Verb
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from mentorship.models import MentorProfile, MentorSession, Mentorship
from mentorship.policies import mentorship_is_participant
from mentorship.selectors.slots import ProfileHours, Slot, free_slots_of_profile, profile_hours
from mentorship.signals import session_booked, session_changed

SLOT_TAKEN = "slot_taken"


def _slot_taken() -> Conflict:
    return Conflict(
        _("This time is no longer free. Please pick another slot."),
        code=SLOT_TAKEN,
        errors={"starts_at": [_("This time is no longer free.")]},
    )


def _notify_on_commit(session_id: int, change: str) -> None:
    from mentorship.tasks_booking import session_notify_task  # tasks import services

    transaction.on_commit(lambda: session_notify_task.delay(session_id=session_id, change=change))


def _check_participant(*, mentorship: Mentorship, by: Any) -> None:
    if not mentorship_is_participant(
        user=by, mentor_id=mentorship.mentor_id, mentee_id=mentorship.mentee_id
    ):
        raise PermissionDenied(
            _("Only the mentor and the mentee book this mentorship's sessions."),
            code="not_participant",
        )


def _normalise_start(starts_at: datetime) -> datetime:
    if timezone.is_naive(starts_at):
        raise ValidationError(
            _("Give the time with its time zone (UTC, ending in Z)."),
            code="invalid",
            errors={"starts_at": [_("Give the time with its time zone (UTC, ending in Z).")]},
        )
    return starts_at.astimezone(UTC).replace(microsecond=0)


def _check_length(profile: MentorProfile, length_minutes: int) -> timedelta:
    if length_minutes not in (profile.session_lengths or []):
        offered = ", ".join(str(n) for n in profile.session_lengths or [])
        message = _("This mentor offers sessions of %(lengths)s minutes.") % {"lengths": offered}
        raise ValidationError(
            message, code="length_not_offered", errors={"length_minutes": [message]}
        )
    return timedelta(minutes=length_minutes)


def _slot_is_free(
    *,
    profile: MentorProfile,
    hours: ProfileHours,
    starts_at: datetime,
    length: timedelta,
    now: datetime,
) -> bool:
    # a day either side: slots are counted from their open window's start, and the daily cap
    # looks at the whole day
    wanted = Slot(starts_at=starts_at, ends_at=starts_at + length)
    return wanted in free_slots_of_profile(
        profile=profile,
        hours=hours,
        start=starts_at - timedelta(days=1),
        end=starts_at + length + timedelta(days=1),
        length=length,
        now=now,
    )


def _hours_window(starts_at: datetime, length_minutes: int) -> tuple[datetime, datetime]:
    return starts_at - timedelta(days=1), starts_at + timedelta(minutes=length_minutes, days=1)


def _queue_for_start(*, mentor_id: int, starts_at: datetime) -> bool:
    """Wait for everyone booking this mentor at this same start (a transaction-scoped
    PostgreSQL advisory lock on the pair); False where there is none (SQLite runs one write
    transaction at a time anyway).

    Many people wanting one popular start then queue per start, and all but the first are
    refused without ever waiting for the mentor's lock, which only those with a real chance
    take: a burst of 50 bookings for 10 starts costs 10 turns of the mentor's lock, not 50.
    The lock orders nothing else (the mentor's lock and the exclusion constraint do), so
    cancelling and rescheduling, which lock the session first, cannot deadlock with it.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return False
    digest = hashlib.blake2b(
        f"mentor-start:{mentor_id}:{starts_at.timestamp():.0f}".encode(), digest_size=8
    ).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )
    return True


# One statement every queued booking of a popular start runs (most of them to be refused):
# written out, as building it through the ORM cost more than the database's answer.
_TAKEN_SQL = (
    f"SELECT 1 FROM {MentorSession._meta.db_table} WHERE mentor_id = %s AND status = %s "  # noqa: S608 - the model's table
    "AND starts_at <= %s AND ends_at > %s LIMIT 1"
)


def _refuse_if_taken(*, mentor_id: int, starts_at: datetime) -> None:
    """Conflict ``slot_taken`` when a booked session of the mentor covers ``starts_at``."""
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            _TAKEN_SQL, [mentor_id, MentorSession.Status.BOOKED.value, starts_at, starts_at]
        )
        taken = cursor.fetchone() is not None
    if taken:
        raise _slot_taken()


def _insert(
    *,
    mentorship: Mentorship,
    by: Any,
    starts_at: datetime,
    length_minutes: int,
    agenda: str,
    now: datetime,
    rescheduled_from: MentorSession | None = None,
) -> MentorSession:
    """Caller is inside a transaction (rolled back on any error raised here). Queues for the
    wanted start, locks the mentor's profile, checks the slot again and inserts."""
    starts_at = _normalise_start(starts_at)
    if _queue_for_start(mentor_id=mentorship.mentor_id, starts_at=starts_at):
        # the common refusal under contention, before the mentor's lock: whoever queued for
        # this start first has committed (or given up) by now
        _refuse_if_taken(mentor_id=mentorship.mentor_id, starts_at=starts_at)
    # what the mentor's bookings do not change, read before queueing for the mentor
    window_start, window_end = _hours_window(starts_at, max(int(length_minutes), 0))
    hours = profile_hours(
        mentor_user_id=mentorship.mentor_id,
        mentee_id=mentorship.mentee_id,
        start=window_start,
        end=window_end,
    )
    # the mentor's lock: from here to the commit, two more queries and the insert
    profile = MentorProfile.objects.select_for_update().filter(user_id=mentorship.mentor_id).first()
    if profile is None:
        raise Conflict(_("This mentor takes no bookings."), code="not_bookable")
    length = _check_length(profile, length_minutes)
    session = MentorSession(
        mentorship=mentorship,
        mentor_id=mentorship.mentor_id,
        mentee_id=mentorship.mentee_id,
        starts_at=starts_at,
        ends_at=starts_at + length,
        agenda=agenda,
        booked_by=by,
        rescheduled_from=rescheduled_from,
    )
    # the unique UID and the check constraints are the database's to enforce: asking first
    # would cost three queries while others wait for the lock
    session.full_clean(
        exclude=["mentorship", "mentor", "mentee", "booked_by", "rescheduled_from"],
        validate_unique=False,
        validate_constraints=False,
    )
    # the slot as free_slots offers it: the mentor's bookings (with the buffer) and daily cap
    # read now, under the lock, so a booking of another start that overlaps is refused too
    if not _slot_is_free(profile=profile, hours=hours, starts_at=starts_at, length=length, now=now):
        raise _slot_taken()
    try:
        # no savepoint: a failed insert ends the caller's transaction anyway (Conflict)
        session.save()
    except IntegrityError as exc:
        # the exclusion constraint (PostgreSQL): someone else's booking got there first
        raise _slot_taken() from exc
    return session


@transaction.atomic
def session_book(
    *,
    mentorship: Mentorship,
    by: Any,
    starts_at: datetime,
    length_minutes: int,
    agenda: str = "",
    now: datetime | None = None,
) -> MentorSession:
    _check_participant(mentorship=mentorship, by=by)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise Conflict(
            _("Sessions are booked in an active mentorship only."), code="mentorship_not_active"
        )
    session = _insert(
        mentorship=mentorship,
        by=by,
        starts_at=starts_at,
        length_minutes=length_minutes,
        agenda=agenda,
        now=now or timezone.now(),
    )
    transaction.on_commit(lambda: session_booked.send(sender=MentorSession, session=session, by=by))
    track(actor=by, verb=Verb.SESSION_BOOKED, object=session, context={"mentor": session.mentor_id})
    _notify_on_commit(session.pk, "booked")
    return session


def _window_hours(session: MentorSession, field: str) -> int:
    profile = MentorProfile.objects.filter(user_id=session.mentor_id).only(field).first()
    return int(getattr(profile, field, 0) or 0)


def _lock_changeable(
    *, session: MentorSession, by: Any, now: datetime, window_field: str
) -> MentorSession:
    """The session locked, if ``by`` may change it now (see the module docstring)."""
    locked = (
        MentorSession.objects.select_for_update().select_related("mentorship").get(pk=session.pk)
    )
    if not locked.is_participant(getattr(by, "pk", None)) or not mentorship_is_participant(
        user=by, mentor_id=locked.mentor_id, mentee_id=locked.mentee_id
    ):
        raise PermissionDenied(
            _("Only the mentor and the mentee change this session."), code="not_participant"
        )
    if locked.status != MentorSession.Status.BOOKED:
        raise Conflict(_("This session is not booked any more."), code="session_not_booked")
    if locked.starts_at <= now:
        raise Conflict(_("This session has already started."), code="session_started")
    hours = _window_hours(locked, window_field)
    if by.pk == locked.mentee_id and locked.starts_at - now < timedelta(hours=hours):
        if window_field == "cancel_window_hours":
            message = _(
                "Sessions can be cancelled up to %(hours)s hours before they start. "
                "Please write to your mentor."
            )
            code = "cancel_window_passed"
        else:
            message = _(
                "Sessions can be moved up to %(hours)s hours before they start. "
                "Please write to your mentor."
            )
            code = "reschedule_window_passed"
        raise Conflict(message % {"hours": hours}, code=code)
    return locked


def _mark_cancelled(session: MentorSession, *, by: Any, reason: str, now: datetime) -> None:
    session.status = MentorSession.Status.CANCELLED
    session.cancelled_at = now
    session.cancelled_by = by
    session.cancel_reason = reason
    session.ical_sequence += 1
    session.full_clean(exclude=["mentorship", "mentor", "mentee", "booked_by", "rescheduled_from"])
    session.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "ical_sequence",
            "updated_at",
        ]
    )


def sessions_cancel_ahead(*, mentorship: Mentorship, by: Any, reason: str, now: datetime) -> int:
    """Cancel every booked session of ``mentorship`` still ahead, whatever the windows: the
    mentorship ended. The calendar sends each a CANCEL (``session_changed``); the other
    person hears of the ending itself. Runs in the caller's transaction."""
    sessions = list(
        MentorSession.objects.select_for_update().filter(
            mentorship=mentorship, status=MentorSession.Status.BOOKED, starts_at__gt=now
        )
    )
    for session in sessions:
        _mark_cancelled(session, by=by, reason=reason, now=now)

    def announce() -> None:
        for session in sessions:
            session_changed.send(sender=MentorSession, session=session, by=by, change="cancelled")

    if sessions:
        transaction.on_commit(announce)
    return len(sessions)


@transaction.atomic
def session_cancel(
    *, session: MentorSession, by: Any, reason: str = "", now: datetime | None = None
) -> MentorSession:
    now = now or timezone.now()
    locked = _lock_changeable(session=session, by=by, now=now, window_field="cancel_window_hours")
    _mark_cancelled(locked, by=by, reason=reason, now=now)
    transaction.on_commit(
        lambda: session_changed.send(
            sender=MentorSession, session=locked, by=by, change="cancelled"
        )
    )
    _notify_on_commit(locked.pk, "cancelled")
    return locked


@transaction.atomic
def session_reschedule(
    *,
    session: MentorSession,
    by: Any,
    starts_at: datetime,
    length_minutes: int | None = None,
    now: datetime | None = None,
) -> MentorSession:
    """The new session (same length unless given); the old one is cancelled and links to it."""
    now = now or timezone.now()
    old = _lock_changeable(session=session, by=by, now=now, window_field="reschedule_window_hours")
    if old.mentorship.status != Mentorship.Status.ACTIVE:
        raise Conflict(
            _("Sessions are booked in an active mentorship only."), code="mentorship_not_active"
        )
    length = length_minutes or int((old.ends_at - old.starts_at).total_seconds() // 60)
    # cancelled first, so the old booking does not stand in the way of a nearby new time
    _mark_cancelled(old, by=by, reason=_("Rescheduled"), now=now)
    new = _insert(
        mentorship=old.mentorship,
        by=by,
        starts_at=starts_at,
        length_minutes=length,
        agenda=old.agenda,
        now=now,
        rescheduled_from=old,
    )

    def send() -> None:
        session_changed.send(
            sender=MentorSession, session=old, by=by, change="rescheduled", new_session=new
        )
        session_booked.send(sender=MentorSession, session=new, by=by)

    transaction.on_commit(send)
    _notify_on_commit(new.pk, "rescheduled")
    return new
