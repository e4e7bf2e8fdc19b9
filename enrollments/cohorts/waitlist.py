"""A cohort's waitlist: joining, leaving, offers, and promotion (seats: ``seats``).

Promotion (``cohort_promote_locked``) runs whenever a seat may have freed: an enrollment cancelled
or moved to another cohort, the capacity raised, an offer declined, left or expired. It walks
the waiting entries in (created_at, id) order while there are free seats: a free course enrolls
the person at once; a paid one offers them the seat for ``KALPLA_WAITLIST_OFFER_HOURS``, and
the offer holds the seat until it is accepted (paid), declined or expires (the beat job
``enrollments.waitlist_offers_expire`` then promotes the next person).

Cancelling a cohort enrollment sends ``cohort_seat_freed`` (enrollments.signals) inside its
transaction; the receiver below promotes there and then.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from enrollments.cohorts.seats import (
    closed_error,
    cohort_lock,
    entry_close,
    has_seat_for,
    open_entry_locked,
)
from enrollments.cohorts.selectors import LIVE_STATUSES, cohort_seats_taken, cohort_waiting_next
from enrollments.models import Cohort, Enrollment, WaitlistEntry
from enrollments.services import enrollment_create
from enrollments.signals import cohort_seat_freed
from kalpla.exceptions import (
    ApplicationError,
    Conflict,
    NotAuthenticated,
    NotFound,
    PaymentRequired,
)
from notifications.services.notify import notify

logger = logging.getLogger(__name__)


# --- joining and leaving ----------------------------------------------------------------------


def _require_signed_in(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(_("Sign in to join the waitlist."))


@transaction.atomic
def waitlist_join(*, user: Any, cohort: Cohort, now: datetime | None = None) -> WaitlistEntry:
    """Put ``user`` in line for a seat in a full cohort; idempotent (their open entry comes
    back). Conflict ``already_enrolled``, ``enrollment_closed``, ``seats_available`` (enroll
    instead); NotFound for a course that is not published."""
    _require_signed_in(user)
    now = now or timezone.now()
    locked = cohort_lock(cohort_id=cohort.pk)
    if not locked.course.is_published:
        raise NotFound(_("Not found."))
    entry = open_entry_locked(user_id=user.pk, cohort=locked)
    if entry is not None:
        return entry
    if Enrollment.objects.filter(
        user_id=user.pk, course_id=locked.course_id, status__in=LIVE_STATUSES
    ).exists():
        raise Conflict(_("You are already enrolled in this course."), code="already_enrolled")
    if not locked.enrollment_open(now):
        raise closed_error()
    if has_seat_for(cohort=locked, entry=None, now=now):
        raise Conflict(_("This cohort has free seats: enroll instead."), code="seats_available")
    entry = WaitlistEntry(cohort=locked, user=user)
    entry.full_clean(validate_constraints=False)
    entry.save()
    logger.info("user %s joined the waitlist of cohort %s", user.pk, locked.pk)
    return entry


def _my_entry(*, user: Any, cohort: Cohort, status: str | None = None) -> WaitlistEntry:
    _require_signed_in(user)
    entry = open_entry_locked(user_id=user.pk, cohort=cohort)
    if entry is None or (status is not None and entry.status != status):
        if status == WaitlistEntry.Status.OFFERED:
            raise Conflict(_("You have no seat offered in this cohort."), code="no_offer")
        raise NotFound(_("You are not on this cohort's waitlist."), code="not_waiting")
    return entry


@transaction.atomic
def waitlist_leave(*, user: Any, cohort: Cohort, now: datetime | None = None) -> None:
    """Leave the waitlist (an offered seat goes to the next person). NotFound
    ``not_waiting`` when the user is not on it."""
    now = now or timezone.now()
    locked = cohort_lock(cohort_id=cohort.pk)
    entry = _my_entry(user=user, cohort=locked)
    offered = entry.status == WaitlistEntry.Status.OFFERED
    entry_close(
        entry, WaitlistEntry.Status.DECLINED if offered else WaitlistEntry.Status.LEFT, now=now
    )
    if offered:
        cohort_promote_locked(locked, now=now)


@transaction.atomic
def waitlist_offer_decline(*, user: Any, cohort: Cohort, now: datetime | None = None) -> None:
    """Turn down an offered seat: it goes to the next person. Conflict ``no_offer``."""
    now = now or timezone.now()
    locked = cohort_lock(cohort_id=cohort.pk)
    entry = _my_entry(user=user, cohort=locked, status=WaitlistEntry.Status.OFFERED)
    entry_close(entry, WaitlistEntry.Status.DECLINED, now=now)
    cohort_promote_locked(locked, now=now)


@transaction.atomic
def waitlist_offer_accept(
    *, user: Any, cohort: Cohort, source: str = "", now: datetime | None = None
) -> Enrollment:
    """Take the seat an offer holds: enrolls ``user`` in the cohort and closes the offer.

    For the commerce app, called inside the payment's transaction once the payment has
    succeeded: ``source`` defaults to "paid" for a paid course and "free" for a free one.
    Conflict ``no_offer`` when the user holds no offer, ``offer_expired`` when it ran out.
    Students do not call this for a paid course (``waitlist_offer_claim`` refuses).
    """
    now = now or timezone.now()
    locked = cohort_lock(cohort_id=cohort.pk)
    entry = _my_entry(user=user, cohort=locked, status=WaitlistEntry.Status.OFFERED)
    if entry.offer_expires_at is None or entry.offer_expires_at <= now:
        raise Conflict(_("This offer has expired."), code="offer_expired")
    course = locked.course
    source = source or (Enrollment.Source.FREE if course.is_free else Enrollment.Source.PAID)
    return enrollment_create(user=user, course=course, source=source, cohort=locked)


@transaction.atomic
def waitlist_seat_granted(*, user: Any, cohort: Cohort) -> None:
    """The user now holds a seat in ``cohort`` by another way (a purchase granted it, in the
    payment's transaction): their open entry on its waitlist, offered or waiting, closes as
    enrolled, so the seat is not counted twice. Idempotent."""
    locked = cohort_lock(cohort_id=cohort.pk)
    entry = open_entry_locked(user_id=user.pk, cohort=locked)
    if entry is not None:
        entry_close(entry, WaitlistEntry.Status.ENROLLED, now=timezone.now())


def waitlist_offer_claim(*, user: Any, cohort: Cohort) -> Enrollment:
    """A student takes an offered seat: free courses enroll; for a paid course the seat is
    taken by paying (PaymentRequired)."""
    if not cohort.course.is_free:
        raise PaymentRequired(
            _("Pay for the course to take the seat held for you."), code="payment_required"
        )
    return waitlist_offer_accept(user=user, cohort=cohort, source=Enrollment.Source.FREE)


# --- promotion ------------------------------------------------------------------------------


def offer_hours() -> int:
    return int(getattr(settings, "KALPLA_WAITLIST_OFFER_HOURS", 48))


def cohort_promote(*, cohort_id: int, now: datetime | None = None) -> list[WaitlistEntry]:
    """Give free seats of the cohort to the people waiting, in order. Returns the entries
    promoted (enrolled or offered)."""
    with transaction.atomic():
        locked = cohort_lock(cohort_id=cohort_id)
        return cohort_promote_locked(locked, now=now or timezone.now())


@receiver(cohort_seat_freed, dispatch_uid="enrollments.cohorts.seat_freed")
def _seat_freed(sender: Any, cohort_id: int, **kwargs: Any) -> None:
    # Sent inside the transaction that freed the seat: promote in it.
    cohort_promote(cohort_id=cohort_id)


def cohort_promote_locked(cohort: Cohort, *, now: datetime) -> list[WaitlistEntry]:
    """Caller holds the cohort's lock."""
    if not cohort.is_active or now >= cohort.ends_at:
        return []
    _expire_locked(cohort, now=now)
    free = None
    if cohort.capacity is not None:
        free = cohort.capacity - cohort_seats_taken(cohort=cohort, now=now)
    promoted: list[WaitlistEntry] = []
    for entry in cohort_waiting_next(cohort=cohort).select_for_update(of=("self",)):
        if free is not None and free <= 0:
            break
        if Enrollment.objects.filter(
            user_id=entry.user_id, course_id=cohort.course_id, status__in=LIVE_STATUSES
        ).exists():
            # enrolled in the course meanwhile (another cohort): no seat needed here
            entry_close(entry, WaitlistEntry.Status.LEFT, now=now)
            continue
        if not (cohort.course.is_free and _enroll_promoted(entry, cohort)):
            _offer(entry, cohort, now=now)
        promoted.append(entry)
        if free is not None:
            free -= 1
    return promoted


def _enroll_promoted(entry: WaitlistEntry, cohort: Cohort) -> bool:
    """Enroll the first in line in a free course; False when they may not enroll yet (an
    unverified email, prerequisites missing): they get an offer instead."""
    try:
        enrollment_create(user=entry.user, course=cohort.course, cohort=cohort)
    except ApplicationError as exc:
        logger.info("waitlist entry %s not enrolled (%s): offered instead", entry.pk, exc.code)
        return False
    entry.refresh_from_db(fields=["status", "closed_at"])
    _tell(entry, cohort, kind="enrollments.waitlist_enrolled")
    return True


def _offer(entry: WaitlistEntry, cohort: Cohort, *, now: datetime) -> None:
    entry.status = WaitlistEntry.Status.OFFERED
    entry.offered_at = now
    entry.offer_expires_at = now + timedelta(hours=offer_hours())
    entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
    _tell(entry, cohort, kind="enrollments.waitlist_offer")


def _tell(entry: WaitlistEntry, cohort: Cohort, *, kind: str) -> None:
    course = cohort.course
    notify(
        recipients=[entry.user],
        kind=kind,
        context={
            "course_title": course.title,
            "cohort_name": cohort.name,
            "starts_on": _when(cohort.starts_at),
            "offer_until": _when(entry.offer_expires_at),
        },
        url=reverse("courses:detail", kwargs={"slug": course.slug}),
        dedupe_key=f"{kind}:{entry.pk}",
    )


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i") if moment else ""


def _expire_locked(cohort: Cohort, *, now: datetime) -> int:
    """Close the cohort's offers that ran out (caller holds the lock); returns how many."""
    expired = list(
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(
            cohort=cohort,
            status=WaitlistEntry.Status.OFFERED,
            offer_expires_at__lte=now,
        )
    )
    for entry in expired:
        entry_close(entry, WaitlistEntry.Status.EXPIRED, now=now)
        _tell(entry, cohort, kind="enrollments.waitlist_offer_expired")
    return len(expired)


def waitlist_offers_expire(*, now: datetime | None = None) -> int:
    """Beat: close the offers that ran out and promote the next people in each cohort (one
    transaction per cohort); cohorts with people waiting are looked at too, so a seat whose
    promotion failed is given later. Returns the offers closed."""
    now = now or timezone.now()
    cohort_ids = set(
        WaitlistEntry.objects.filter(
            Q(status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now)
            | Q(
                status=WaitlistEntry.Status.WAITING,
                cohort__is_active=True,
                cohort__ends_at__gt=now,
            )
        ).values_list("cohort_id", flat=True)
    )
    closed = 0
    for cohort_id in sorted(cohort_ids):
        with transaction.atomic():
            locked = cohort_lock(cohort_id=cohort_id)
            closed += _expire_locked(locked, now=now)
            cohort_promote_locked(locked, now=now)
    return closed
