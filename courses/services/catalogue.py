"""Figures other apps report for a course's card (the catalogue's cached pages show them)."""

from django.db.models import F

from courses.cache import course_card_updated
from courses.models import Course


def course_enrollment_count_change(*, course_id: int, delta: int) -> None:
    """Move ``Course.enrollment_count`` by ``delta`` (never below zero) and retire the
    course's cached card and pages, on commit. The enrollments app calls it for every
    enrolment and cancellation."""
    courses = Course.objects.filter(pk=course_id)
    if delta < 0:
        courses = courses.filter(enrollment_count__gte=-delta)
    if courses.update(enrollment_count=F("enrollment_count") + delta):
        course_card_updated(course_id=course_id)
