"""Who may import enrollments: staff, into any course; mentors, into the courses they teach
(``courses.policies.course_can_edit``). Only the uploader and staff see an import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.policies import user_is_mentor, user_is_staff
from courses.policies import course_can_edit

if TYPE_CHECKING:
    from courses.models import Course
    from enrollments.models import EnrollmentImport


def enrollment_import_can_start(*, user: Any) -> bool:
    return user_is_staff(user) or user_is_mentor(user)


def enrollment_import_can_view(*, user: Any, enrollment_import: EnrollmentImport) -> bool:
    if user_is_staff(user):
        return True
    return enrollment_import.created_by_id is not None and (
        enrollment_import.created_by_id == getattr(user, "pk", None)
    )


def enrollment_import_can_enroll_into(*, user: Any, course: Course) -> bool:
    return course_can_edit(user=user, course=course)
