"""Who may do what with badges (the rules, once):

- set up a course's badges, award them by hand and revoke awards: whoever may edit the course
  (its instructors while they hold the Mentor role, and staff: ``courses.policies``);
  platform-wide badges (no course): staff;
- download an award's signed credential: its recipient and staff (its public page and hosted
  assertion are open to anyone who has the link).
"""

from typing import TYPE_CHECKING, Any

from accounts.policies import user_is_staff
from courses.policies import course_can_edit

if TYPE_CHECKING:
    from .models import BadgeAward


def badge_can_manage(*, user: Any, course: Any | None) -> bool:
    if course is None:
        return user_is_staff(user)
    return course_can_edit(user=user, course=course)


def badge_credential_can_download(*, user: Any, award: "BadgeAward") -> bool:
    return getattr(user, "pk", None) == award.recipient_id or user_is_staff(user)
