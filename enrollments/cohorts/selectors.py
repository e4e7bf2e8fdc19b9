"""Reads of cohorts and waitlists.

Seats: a cohort's seats are taken by its live (active or completed) enrollments and by the
open offers of its waitlist that have not expired (an offer holds a seat for its holder).

For the commerce app (payments), two calls make a waitlist offer a purchase:

    offer = cohort_offer_for(user=user, cohort=cohort)   # before checkout: None = no seat held
    ...
    waitlist_offer_accept(user=user, cohort=cohort)      # enrollments.cohorts.services, in the
                                                         # payment's transaction: enrolls
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollments.models import Cohort, Enrollment, WaitlistEntry
from kalpla.exceptions import NotFound, ValidationError

if TYPE_CHECKING:
    from courses.models import Course

LIVE_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)
OPEN_STATUSES = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)


def cohort_find(*, course: Course, name: str) -> Cohort | None:
    """The course's cohort named ``name`` (case and surrounding spaces ignored), archived
    ones included; None when there is none. One query. For imports that name cohorts."""
    name = (name or "").strip()
    if not name:
        return None
    return Cohort.objects.filter(course_id=course.pk, name__iexact=name).first()


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def _held_offers(now: datetime) -> Q:
    return Q(status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now)


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(
        queryset.order_by().values("cohort").annotate(n=Count("id")).values("n"),
        output_field=IntegerField(),
    )


def cohort_annotated(
    queryset: QuerySet[Cohort], *, now: datetime | None = None
) -> QuerySet[Cohort]:
    """``queryset`` with ``enrolled_count``, ``offer_count`` (held seats) and
    ``waiting_count`` on each cohort, in the same query."""
    now = now or timezone.now()
    mine = {"cohort": OuterRef("pk")}
    return queryset.annotate(
        enrolled_count=Coalesce(
            _count(Enrollment.objects.filter(**mine, status__in=LIVE_STATUSES)), Value(0)
        ),
        offer_count=Coalesce(
            _count(WaitlistEntry.objects.filter(_held_offers(now), **mine)), Value(0)
        ),
        waiting_count=Coalesce(
            _count(WaitlistEntry.objects.filter(**mine, status=WaitlistEntry.Status.WAITING)),
            Value(0),
        ),
    )


def cohort_list(*, course: Course, include_archived: bool = False) -> QuerySet[Cohort]:
    """The course's cohorts by start date with their seat counts (``cohort_annotated``)."""
    cohorts = Cohort.objects.filter(course_id=course.pk).select_related("course")
    if not include_archived:
        cohorts = cohorts.filter(is_active=True)
    return cohort_annotated(cohorts)


def cohort_get(*, cohort_id: int) -> Cohort:
    """The cohort with its course and seat counts; NotFound when there is none."""
    cohort = cohort_annotated(Cohort.objects.select_related("course")).filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFound(_("No such cohort."))
    return cohort


def cohort_seats_taken(*, cohort: Cohort, now: datetime | None = None) -> int:
    """Live enrollments in the cohort plus the offers holding a seat (two counts)."""
    now = now or timezone.now()
    enrolled = Enrollment.objects.filter(cohort=cohort, status__in=LIVE_STATUSES).count()
    return enrolled + WaitlistEntry.objects.filter(_held_offers(now), cohort=cohort).count()


def seats_left(cohort: Cohort) -> int | None:
    """Free seats of an annotated cohort (``cohort_annotated``); None when unlimited."""
    if cohort.capacity is None:
        return None
    taken = cohort.enrolled_count + cohort.offer_count  # type: ignore[attr-defined]
    return max(cohort.capacity - taken, 0)


def cohort_offer_for(
    *, user: Any, cohort: Cohort, now: datetime | None = None
) -> WaitlistEntry | None:
    """The user's offer of a seat in ``cohort`` that still holds (not expired); None
    otherwise. One query. Commerce asks this before taking a payment for the seat."""
    user_id = _user_id(user)
    if user_id is None:
        return None
    return WaitlistEntry.objects.filter(
        _held_offers(now or timezone.now()), cohort=cohort, user_id=user_id
    ).first()


def waitlist_entry_for(*, user: Any, cohort: Cohort) -> WaitlistEntry | None:
    """The user's open (waiting or offered) entry on the cohort's waitlist. One query."""
    user_id = _user_id(user)
    if user_id is None:
        return None
    return WaitlistEntry.objects.filter(
        cohort=cohort, user_id=user_id, status__in=OPEN_STATUSES
    ).first()


def waitlist_position(*, entry: WaitlistEntry) -> int | None:
    """1 for the next in line; None for an entry that is not waiting. One query."""
    if entry.status != WaitlistEntry.Status.WAITING:
        return None
    ahead = WaitlistEntry.objects.filter(
        Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, id__lt=entry.pk),
        cohort_id=entry.cohort_id,
        status=WaitlistEntry.Status.WAITING,
    ).count()
    return ahead + 1


@dataclass(frozen=True)
class MyPlace:
    """The viewer's part in one cohort: enrolled in it, or their waitlist entry."""

    enrolled: bool
    entry: WaitlistEntry | None
    position: int | None


def my_places(*, user: Any, course: Course) -> dict[int, MyPlace]:
    """The user's places in the course's cohorts by cohort id (two queries)."""
    user_id = _user_id(user)
    if user_id is None:
        return {}
    places: dict[int, MyPlace] = {}
    for cohort_id in Enrollment.objects.filter(
        user_id=user_id, course_id=course.pk, status__in=LIVE_STATUSES, cohort__isnull=False
    ).values_list("cohort_id", flat=True):
        places[cohort_id] = MyPlace(enrolled=True, entry=None, position=None)
    entries = WaitlistEntry.objects.filter(
        user_id=user_id, cohort__course_id=course.pk, status__in=OPEN_STATUSES
    ).annotate(
        ahead=Coalesce(
            Subquery(
                WaitlistEntry.objects.filter(
                    Q(created_at__lt=OuterRef("created_at"))
                    | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id")),
                    cohort=OuterRef("cohort"),
                    status=WaitlistEntry.Status.WAITING,
                )
                .order_by()
                .values("cohort")
                .annotate(n=Count("id"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )
    )
    for entry in entries:
        waiting = entry.status == WaitlistEntry.Status.WAITING
        places[entry.cohort_id] = MyPlace(
            enrolled=False,
            entry=entry,
            position=entry.ahead + 1 if waiting else None,
        )
    return places


def cohort_roster(*, cohort: Cohort) -> QuerySet[Enrollment]:
    """The cohort's live enrollments with their students, by name."""
    return (
        Enrollment.objects.filter(cohort=cohort, status__in=LIVE_STATUSES)
        .select_related("user")
        .order_by("user__name", "user__email", "id")
    )


def cohort_waitlist(*, cohort: Cohort) -> QuerySet[WaitlistEntry]:
    """The cohort's open waitlist in promotion order (offers first: they are ahead)."""
    return (
        WaitlistEntry.objects.filter(cohort=cohort, status__in=OPEN_STATUSES)
        .select_related("user")
        .order_by("created_at", "id")
    )


def waiting_positions(entries: list[WaitlistEntry]) -> dict[int, int]:
    """Positions (1 = next) of the waiting entries of a list in promotion order."""
    waiting = [e for e in entries if e.status == WaitlistEntry.Status.WAITING]
    return {entry.pk: index for index, entry in enumerate(waiting, start=1)}


def cohort_waiting_next(*, cohort: Cohort) -> QuerySet[WaitlistEntry]:
    """The waiting entries in promotion order (created_at, id), with their users."""
    return (
        WaitlistEntry.objects.filter(cohort=cohort, status=WaitlistEntry.Status.WAITING)
        .select_related("user")
        .order_by("created_at", "id")
    )


def enrollment_get_with_cohort(*, enrollment_id: int) -> Enrollment:
    """An enrollment with its user, course and cohort; NotFound when there is none."""
    enrollment = (
        Enrollment.objects.select_related("user", "course", "cohort")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None:
        raise NotFound(_("No such enrollment."))
    return enrollment


def cohort_for_course(*, course: Course, cohort_id: int | None) -> Cohort:
    """The course's cohort with this id (from a form or a request body); ValidationError
    ``invalid_cohort`` on the ``cohort`` field otherwise."""
    cohort = None
    if cohort_id is not None:
        cohort = (
            Cohort.objects.select_related("course")
            .filter(pk=cohort_id, course_id=course.pk)
            .first()
        )
    if cohort is None:
        message = _("Choose one of this course's cohorts.")
        raise ValidationError(message, code="invalid_cohort", errors={"cohort": [message]})
    return cohort
