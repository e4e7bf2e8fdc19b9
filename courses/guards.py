"""The checks every course-writing service and every authoring read starts with: the rules are
``courses.policies``; these raise ``AuthoringDenied`` (a 403) with the message people see when
a rule says no.

Shared by the authoring and media services and the authoring selectors (which give an editor's
page its course, module, lesson or resource only for someone who may edit it), so views never
check the rule themselves.
"""

from typing import Any

from django.utils.translation import gettext as _

from courses import policies
from courses.models import Course
from kalpla.exceptions import PermissionDenied


class AuthoringDenied(PermissionDenied):
    """The user may not do this to this course (403)."""


def require_author(user: Any) -> None:
    if not policies.course_can_create(user=user):
        raise AuthoringDenied(_("Only mentors can create courses."))


def require_editor(user: Any, course: Course) -> None:
    if not policies.course_can_edit(user=user, course=course):
        raise AuthoringDenied(_("Only this course's instructors and staff can change it."))


def require_staff(user: Any) -> None:
    if not policies.course_can_review(user=user):
        raise AuthoringDenied(_("Only staff can review and publish courses."))
