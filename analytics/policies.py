"""Who may see which analytics: the rules, once (pure functions, no services imported).

- the whole platform (staff dashboard, experiments, campaigns, xAPI export): staff
  (``accounts.policies.user_is_staff``: the is_staff flag, superusers and the Admin role);
- one course's figures, its at-risk learners and nudging them: staff, and the course's
  instructors while they hold the Mentor role;
- students see no analytics.
"""

from typing import TYPE_CHECKING, Any

from accounts.policies import user_is_mentor, user_is_staff
from courses.policies import course_is_instructor

if TYPE_CHECKING:
    from courses.models import Course


def analytics_can_view_platform(*, user: Any) -> bool:
    return user_is_staff(user)


def analytics_can_view_some_course(*, user: Any) -> bool:
    """May open the analytics area at all (staff, or a mentor, who sees own courses)."""
    return user_is_staff(user) or user_is_mentor(user)


def analytics_can_view_course(*, user: Any, course: "Course") -> bool:
    if user_is_staff(user):
        return True
    return user_is_mentor(user) and course_is_instructor(user=user, course=course)
