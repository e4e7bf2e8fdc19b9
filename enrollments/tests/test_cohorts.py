"""Cohorts: admission (capacity, window, required cohort), release relative to the cohort's
start, the waitlist (order, offers, expiry) and moving students between cohorts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory, LessonFactory
from enrollments.access import AccessReason, lesson_access
from enrollments.cohorts import services as cohort_services
from enrollments.cohorts import waitlist
from enrollments.cohorts.selectors import (
    cohort_offer_for,
    cohort_seats_taken,
    my_places,
    waitlist_position,
)
from enrollments.models import Enrollment, WaitlistEntry
from enrollments.selectors import cohort_find, enrollment_get
from enrollments.services import enrollment_cancel, enrollment_create
from enrollments.tests.factories import CohortFactory, EnrollmentFactory
from kalpla.exceptions import Conflict, PaymentRequired, PermissionDenied, ValidationError
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _students(n: int) -> list:
    return [UserFactory(roles=("Student",)) for _ in range(n)]


def _fill(cohort, n: int) -> list:
    users = _students(n)
    for user in users:
        EnrollmentFactory(user=user, course=cohort.course, cohort=cohort)
    return users


def _freeze(monkeypatch, moment) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_cohort_find_matches_name_ignoring_case_and_spaces():
    course = CourseFactory()
    cohort = CohortFactory(course=course, name="January 2027")
    CohortFactory(name="January 2027")  # another course's

    assert cohort_find(course=course, name="  january 2027 ") == cohort
    assert cohort_find(course=course, name="March") is None
    assert cohort_find(course=course, name="") is None


# --- admission ------------------------------------------------------------------------------


def test_enrollment_create_puts_the_student_in_the_cohort(student):
    cohort = CohortFactory(capacity=2)

    enrollment = enrollment_create(user=student, course=cohort.course, cohort=cohort)

    assert enrollment.cohort == cohort
    assert cohort_seats_taken(cohort=cohort) == 1


def test_enrollment_create_refuses_a_full_cohort(student):
    cohort = CohortFactory(capacity=1)
    _fill(cohort, 1)

    with pytest.raises(Conflict) as exc:
        enrollment_create(user=student, course=cohort.course, cohort=cohort)

    assert exc.value.code == "cohort_full"
    assert "waitlist" in exc.value.message
    assert not Enrollment.objects.filter(user=student).exists()


def test_enrollment_create_unlimited_cohort_takes_everyone(student):
    cohort = CohortFactory(capacity=None)
    _fill(cohort, 5)

    assert enrollment_create(user=student, course=cohort.course, cohort=cohort).cohort == cohort


@pytest.mark.parametrize(
    ("opens", "closes", "active", "ended"),
    [
        (timedelta(days=1), None, True, False),  # opens tomorrow
        (None, timedelta(days=-1), True, False),  # closed yesterday
        (None, None, False, False),  # archived
        (None, None, True, True),  # over
    ],
)
def test_enrollment_create_outside_the_window_is_closed(student, opens, closes, active, ended):
    now = timezone.now()
    cohort = CohortFactory(
        opens_at=now + opens if opens else None,
        closes_at=now + closes if closes else None,
        is_active=active,
        starts_at=now - timedelta(days=30) if ended else now + timedelta(days=7),
        ends_at=now - timedelta(days=1) if ended else now + timedelta(days=30),
    )

    with pytest.raises(Conflict) as exc:
        enrollment_create(user=student, course=cohort.course, cohort=cohort)

    assert exc.value.code == "enrollment_closed"


def test_enrollment_create_requires_a_cohort_when_the_course_does(student):
    course = CourseFactory(requires_cohort=True)
    CohortFactory(course=course)

    with pytest.raises(ValidationError) as exc:
        enrollment_create(user=student, course=course)

    assert exc.value.code == "cohort_required"
    assert "cohort" in exc.value.errors


def test_enrollment_create_refuses_another_course_cohort(student):
    course = CourseFactory()

    with pytest.raises(ValidationError) as exc:
        enrollment_create(user=student, course=course, cohort=CohortFactory())

    assert exc.value.code == "invalid_cohort"


def test_enrollment_create_reenrolling_takes_the_new_cohort(student):
    course = CourseFactory(requires_cohort=True)
    first, second = CohortFactory(course=course), CohortFactory(course=course)
    enrollment = enrollment_create(user=student, course=course, cohort=first)
    enrollment_cancel(enrollment=enrollment)

    again = enrollment_create(user=student, course=course, cohort=second)

    assert again.pk == enrollment.pk
    assert again.cohort == second


# --- release relative to the cohort's start -------------------------------------------------


def test_cohort_lessons_open_on_the_cohort_start_and_count_days_from_it(student, monkeypatch):
    now = timezone.now()
    cohort = CohortFactory(starts_at=now + timedelta(days=10), ends_at=now + timedelta(days=40))
    course = cohort.course
    first = LessonFactory(module__course=course)
    drip = LessonFactory(module=first.module, release="after_days", release_days=3)
    preview = LessonFactory(module=first.module, is_preview=True)
    enrollment_create(user=student, course=course, cohort=cohort)

    # before the start: the course is visible, lessons open on the start date, previews open
    access = lesson_access(user=student, lesson=first)
    assert access.reason == AccessReason.NOT_RELEASED
    assert access.release_at == cohort.starts_at
    assert lesson_access(user=student, lesson=drip).release_at == cohort.starts_at + timedelta(
        days=3
    )
    assert lesson_access(user=student, lesson=preview).allowed

    # a day after the start: the first lesson is open, the drip one counts from the start
    _freeze(monkeypatch, cohort.starts_at + timedelta(days=1))
    assert lesson_access(user=student, lesson=first).allowed
    assert lesson_access(user=student, lesson=drip).reason == AccessReason.NOT_RELEASED
    _freeze(monkeypatch, cohort.starts_at + timedelta(days=3, minutes=1))
    assert lesson_access(user=student, lesson=drip).allowed


def test_course_access_loads_the_cohort_with_the_enrollment(student, django_assert_num_queries):
    cohort = CohortFactory()
    lesson = LessonFactory(module__course=cohort.course)
    enrollment_create(user=student, course=cohort.course, cohort=cohort)
    enrollment = enrollment_get(user=student, course=cohort.course)

    with django_assert_num_queries(0):
        assert enrollment.cohort.starts_at == cohort.starts_at
        from enrollments.access import lesson_release_at

        assert lesson_release_at(lesson=lesson, enrollment=enrollment) == cohort.starts_at


# --- the waitlist ---------------------------------------------------------------------------


def test_waitlist_join_when_full_and_positions_follow_the_order():
    cohort = CohortFactory(capacity=1)
    _fill(cohort, 1)
    a, b, c = _students(3)

    entries = [waitlist.waitlist_join(user=u, cohort=cohort) for u in (a, b, c)]

    assert [waitlist_position(entry=e) for e in entries] == [1, 2, 3]
    assert waitlist.waitlist_join(user=a, cohort=cohort).pk == entries[0].pk  # idempotent
    places = my_places(user=b, course=cohort.course)
    assert places[cohort.pk].position == 2


def test_waitlist_join_refuses_when_seats_are_free(student):
    cohort = CohortFactory(capacity=3)

    with pytest.raises(Conflict) as exc:
        waitlist.waitlist_join(user=student, cohort=cohort)

    assert exc.value.code == "seats_available"


def test_waitlist_join_refuses_the_enrolled(student):
    cohort = CohortFactory(capacity=1)
    EnrollmentFactory(user=student, course=cohort.course, cohort=cohort)

    with pytest.raises(Conflict) as exc:
        waitlist.waitlist_join(user=student, cohort=cohort)

    assert exc.value.code == "already_enrolled"


def test_free_course_unenroll_enrolls_the_first_in_line_and_tells_them(
    django_capture_on_commit_callbacks,
):
    cohort = CohortFactory(capacity=2)
    leaving, _other = _fill(cohort, 2)
    a, b = _students(2)
    waitlist.waitlist_join(user=a, cohort=cohort)
    waitlist.waitlist_join(user=b, cohort=cohort)

    with django_capture_on_commit_callbacks(execute=False):
        enrollment_cancel(enrollment=Enrollment.objects.get(user=leaving))

    assert Enrollment.objects.get(user=a).cohort == cohort
    assert not Enrollment.objects.filter(user=b).exists()
    assert WaitlistEntry.objects.get(user=a).status == WaitlistEntry.Status.ENROLLED
    assert Notification.objects.filter(recipient=a, kind="enrollments.waitlist_enrolled").exists()
    assert waitlist_position(entry=WaitlistEntry.objects.get(user=b)) == 1
    assert cohort_seats_taken(cohort=cohort) == 2


def test_paid_course_promotion_offers_a_seat_that_holds_it(settings):
    settings.KALPLA_WAITLIST_OFFER_HOURS = 24
    cohort = CohortFactory(capacity=1, course__price="49.00")
    (leaving,) = _fill(cohort, 1)
    a, b = _students(2)
    waitlist.waitlist_join(user=a, cohort=cohort)
    waitlist.waitlist_join(user=b, cohort=cohort)

    enrollment_cancel(enrollment=Enrollment.objects.get(user=leaving))

    offer = cohort_offer_for(user=a, cohort=cohort)
    assert offer is not None
    assert offer.offer_expires_at - offer.offered_at == timedelta(hours=24)
    assert Notification.objects.filter(recipient=a, kind="enrollments.waitlist_offer").exists()
    assert cohort_seats_taken(cohort=cohort) == 1  # held by the offer
    with pytest.raises(Conflict):  # nobody jumps the queue
        enrollment_create(user=UserFactory(), course=cohort.course, source="paid", cohort=cohort)
    with pytest.raises(PaymentRequired):  # a student takes a paid seat by paying
        waitlist.waitlist_offer_claim(user=a, cohort=cohort)

    # commerce, once paid
    enrollment = cohort_services.waitlist_offer_accept(user=a, cohort=cohort)

    assert enrollment.cohort == cohort and enrollment.source == Enrollment.Source.PAID
    assert WaitlistEntry.objects.get(user=a).status == WaitlistEntry.Status.ENROLLED
    assert cohort_offer_for(user=a, cohort=cohort) is None
    assert cohort_seats_taken(cohort=cohort) == 1


def test_declining_an_offer_offers_the_seat_to_the_next(student):
    cohort = CohortFactory(capacity=1, course__price="49.00")
    (leaving,) = _fill(cohort, 1)
    a, b = _students(2)
    waitlist.waitlist_join(user=a, cohort=cohort)
    waitlist.waitlist_join(user=b, cohort=cohort)
    enrollment_cancel(enrollment=Enrollment.objects.get(user=leaving))

    waitlist.waitlist_offer_decline(user=a, cohort=cohort)

    assert WaitlistEntry.objects.get(user=a).status == WaitlistEntry.Status.DECLINED
    assert cohort_offer_for(user=b, cohort=cohort) is not None


def test_offer_expiry_sweep_promotes_the_next(monkeypatch):
    cohort = CohortFactory(capacity=1, course__price="49.00")
    (leaving,) = _fill(cohort, 1)
    a, b = _students(2)
    waitlist.waitlist_join(user=a, cohort=cohort)
    waitlist.waitlist_join(user=b, cohort=cohort)
    enrollment_cancel(enrollment=Enrollment.objects.get(user=leaving))
    offer = cohort_offer_for(user=a, cohort=cohort)

    # nothing has run out yet
    assert waitlist.waitlist_offers_expire() == 0
    later = offer.offer_expires_at + timedelta(minutes=1)
    _freeze(monkeypatch, later)
    with pytest.raises(Conflict) as exc:  # too late to pay
        cohort_services.waitlist_offer_accept(user=a, cohort=cohort)
    assert exc.value.code == "offer_expired"

    assert waitlist.waitlist_offers_expire() == 1

    assert WaitlistEntry.objects.get(user=a).status == WaitlistEntry.Status.EXPIRED
    assert Notification.objects.filter(
        recipient=a, kind="enrollments.waitlist_offer_expired"
    ).exists()
    assert cohort_offer_for(user=b, cohort=cohort) is not None
    assert waitlist.waitlist_offers_expire() == 0  # a second run finds nothing


def test_free_course_offer_when_the_first_in_line_cannot_enroll_yet():
    from allauth.account.models import EmailAddress

    cohort = CohortFactory(capacity=1)
    (leaving,) = _fill(cohort, 1)
    unverified = UserFactory(verified=False)
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False)
    waitlist.waitlist_join(user=unverified, cohort=cohort)

    enrollment_cancel(enrollment=Enrollment.objects.get(user=leaving))

    assert cohort_offer_for(user=unverified, cohort=cohort) is not None


def test_waitlist_leave_closes_the_entry(student):
    cohort = CohortFactory(capacity=1)
    _fill(cohort, 1)
    waitlist.waitlist_join(user=student, cohort=cohort)

    waitlist.waitlist_leave(user=student, cohort=cohort)

    assert WaitlistEntry.objects.get(user=student).status == WaitlistEntry.Status.LEFT
    assert my_places(user=student, course=cohort.course) == {}


def test_raising_the_capacity_promotes_in_order():
    mentor = UserFactory(roles=("Mentor",))
    cohort = CohortFactory(capacity=1, course__instructors=[mentor])
    _fill(cohort, 1)
    a, b, c = _students(3)
    for user in (a, b, c):
        waitlist.waitlist_join(user=user, cohort=cohort)

    cohort_services.cohort_update(user=mentor, cohort=cohort, capacity=3)

    enrolled = set(Enrollment.objects.filter(cohort=cohort).values_list("user_id", flat=True))
    assert {a.pk, b.pk} <= enrolled and c.pk not in enrolled


def test_enrolling_after_the_window_closed_keeps_the_waitlist_place(monkeypatch):
    now = timezone.now()
    cohort = CohortFactory(capacity=1, closes_at=now + timedelta(days=1))
    (leaving,) = _fill(cohort, 1)
    (a,) = _students(1)
    waitlist.waitlist_join(user=a, cohort=cohort)
    _freeze(monkeypatch, now + timedelta(days=2))

    enrollment_cancel(enrollment=Enrollment.objects.get(user=leaving))

    assert Enrollment.objects.get(user=a).cohort == cohort


# --- managing cohorts -----------------------------------------------------------------------


def test_cohort_create_is_for_the_course_editors(student):
    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[mentor])
    now = timezone.now()
    fields = {"name": "May", "starts_at": now, "ends_at": now + timedelta(days=10)}

    cohort = cohort_services.cohort_create(user=mentor, course=course, **fields)

    assert cohort.course == course
    with pytest.raises(PermissionDenied):
        cohort_services.cohort_create(user=student, course=course, **fields)


def test_cohort_create_checks_dates_and_names():
    from django.core.exceptions import ValidationError as DjangoValidationError

    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[mentor])
    now = timezone.now()
    with pytest.raises(DjangoValidationError) as exc:
        cohort_services.cohort_create(
            user=mentor, course=course, name="X", starts_at=now, ends_at=now - timedelta(days=1)
        )
    assert "A cohort ends after it starts." in str(exc.value)
    CohortFactory(course=course, name="May")
    with pytest.raises(DjangoValidationError):
        cohort_services.cohort_create(
            user=mentor, course=course, name="may", starts_at=now, ends_at=now + timedelta(1)
        )


def test_cohort_update_refuses_capacity_below_the_seats_taken():
    mentor = UserFactory(roles=("Mentor",))
    cohort = CohortFactory(capacity=3, course__instructors=[mentor])
    _fill(cohort, 2)

    with pytest.raises(ValidationError) as exc:
        cohort_services.cohort_update(user=mentor, cohort=cohort, capacity=1)

    assert exc.value.code == "capacity_below_taken"


def test_enrollment_cohort_switch_moves_and_promotes_the_old_waitlist():
    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[mentor])
    old, new = CohortFactory(course=course, capacity=1), CohortFactory(course=course, capacity=1)
    (moving,) = _fill(old, 1)
    (waiting,) = _students(1)
    waitlist.waitlist_join(user=waiting, cohort=old)
    enrollment = Enrollment.objects.get(user=moving)

    cohort_services.enrollment_cohort_switch(user=mentor, enrollment=enrollment, cohort=new)

    assert Enrollment.objects.get(user=moving).cohort == new
    assert Enrollment.objects.get(user=waiting).cohort == old
    with pytest.raises(Conflict) as exc:  # new is full now
        cohort_services.enrollment_cohort_switch(
            user=mentor, enrollment=Enrollment.objects.get(user=waiting), cohort=new
        )
    assert exc.value.code == "cohort_full"


def test_cohort_enroll_check_refuses_as_enrolling_would_without_taking_a_seat(student):
    cohort = CohortFactory(capacity=1)
    cohort_services.cohort_enroll_check(user=student, course=cohort.course, cohort=cohort)
    _fill(cohort, 1)

    with pytest.raises(Conflict) as exc:
        cohort_services.cohort_enroll_check(user=student, course=cohort.course, cohort=cohort)

    assert exc.value.code == "cohort_full"
    assert cohort_seats_taken(cohort=cohort) == 1
