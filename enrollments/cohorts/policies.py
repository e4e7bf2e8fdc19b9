"""Who manages a course's cohorts: the people who edit the course (its instructors while they
hold the Mentor role, and staff). Pure functions; services check them."""

from typing import TYPE_CHECKING, Any

from courses.policies import course_can_edit

if TYPE_CHECKING:
    from courses.models import Course


def cohort_can_manage(*, user: Any, course: "Course") -> bool:
    """Create, edit and archive cohorts, see their rosters and waitlists, move students
    between them."""
    return course_can_edit(user=user, course=course)
