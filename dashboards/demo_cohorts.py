"""Demo cohorts (seed_demo): UI design fundamentals runs in cohorts. "Spring cohort" is full
(three learners) with two more on its waitlist; "Summer cohort" has free seats. The demo
student can join Spring's waitlist or enroll in Summer; the mentor sees both in the course
editor's Cohorts tab. Idempotent: a rerun finds the cohorts, enrollments and waitlist."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from courses.models import Course
from enrollments.cohorts import waitlist
from enrollments.models import Cohort
from enrollments.services import enrollment_create

COURSE = "ui-design-fundamentals"
COHORT_LEARNERS = (
    ("asha.learner@example.com", "Asha Learner"),
    ("ravi.learner@example.com", "Ravi Learner"),
    ("meera.learner@example.com", "Meera Learner"),
    ("arjun.learner@example.com", "Arjun Learner"),
    ("sara.learner@example.com", "Sara Learner"),
)
FULL_SEATS = 3


def _cohort(course: Course, name: str, *, starts_in: int, capacity: int) -> Cohort:
    starts = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    starts += timedelta(days=starts_in)
    cohort, _created = Cohort.objects.get_or_create(
        course=course,
        name=name,
        defaults={
            "starts_at": starts,
            "ends_at": starts + timedelta(weeks=6),
            "closes_at": starts + timedelta(days=7),
            "capacity": capacity,
        },
    )
    return cohort


def seed_cohorts(*, courses: dict[str, Course], learners: list[User]) -> int:
    """The demo cohorts; returns how many people wait for a seat."""
    course = courses.get(COURSE)
    if course is None:
        return 0
    if not course.requires_cohort:
        course.requires_cohort = True
        course.save(update_fields=["requires_cohort"])
    spring = _cohort(course, "Spring cohort", starts_in=10, capacity=FULL_SEATS)
    _cohort(course, "Summer cohort", starts_in=60, capacity=25)
    for user in learners[:FULL_SEATS]:
        enrollment_create(user=user, course=course, cohort=spring)
    for user in learners[FULL_SEATS:]:
        waitlist.waitlist_join(user=user, cohort=spring)
    return len(learners) - FULL_SEATS
