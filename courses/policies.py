"""Who may do what with a course: the rules, once. Services and selectors enforce them; views
ask them only to decide what to show.

Small pure functions (the instructor check reads the course's prefetched instructors when
they are loaded, else asks with one query). This module imports no services or selectors.

- create a course: mentors and staff;
- edit a course (details, modules, lessons, resources, cover), submit it for review and
  archive it: its instructors while they hold the Mentor role, and staff;
- review, publish and return to draft: staff;
- preview (see the course in every status and every lesson, released or not, as the
  student's player shows it): its instructors and staff;
- reply to the course's reviews: its instructors; hide reviews: moderators.

"Staff" is ``accounts.policies.user_is_staff``: the ``is_staff`` flag, superusers and the
Admin role.
"""

from typing import TYPE_CHECKING, Any

from accounts.policies import user_is_active, user_is_mentor, user_is_moderator, user_is_staff

if TYPE_CHECKING:
    from courses.models import Course, Review


def course_is_instructor(*, user: Any, course: "Course") -> bool:
    """``user`` is one of the course's instructors (whatever roles they hold now)."""
    if not user_is_active(user):
        return False
    cached = getattr(course, "_prefetched_objects_cache", {}).get("instructors")
    if cached is not None:
        return any(instructor.pk == user.pk for instructor in cached)
    return course.instructors.filter(pk=user.pk).exists()


def course_can_create(*, user: Any) -> bool:
    return user_is_mentor(user) or user_is_staff(user)


def course_can_edit(*, user: Any, course: "Course") -> bool:
    if user_is_staff(user):
        return True
    return user_is_mentor(user) and course_is_instructor(user=user, course=course)


def course_can_review(*, user: Any) -> bool:
    """Open the review queue, publish a course, return it to draft."""
    return user_is_staff(user)


def course_can_preview(*, user: Any, course: "Course") -> bool:
    """See the course in any status and every lesson of it, drafts and unreleased ones too."""
    return user_is_staff(user) or course_is_instructor(user=user, course=course)


def course_cover_can_remove(*, user: Any, course: "Course") -> bool:
    """Take the cover down: its editors, or a moderator rejecting it."""
    return user_is_moderator(user) or course_can_edit(user=user, course=course)


def cover_can_moderate(*, user: Any) -> bool:
    """Keep or discard a cover waiting for review."""
    return user_is_moderator(user)


def review_can_reply(*, user: Any, review: "Review") -> bool:
    return course_is_instructor(user=user, course=review.course)


def review_can_hide(*, user: Any) -> bool:
    """Hide reviews and see hidden ones: moderators (and Admins)."""
    return user_is_moderator(user)
