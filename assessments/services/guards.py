"""The permission checks the assessments services share (the rules are in ``policies``)."""

from typing import Any

from django.utils.translation import gettext as _

from kalpla.exceptions import PermissionDenied

from ..policies import quiz_can_edit


def require_course_editor(user: Any, course: Any) -> None:
    if not quiz_can_edit(user=user, course=course):
        raise PermissionDenied(_("Only the course's mentors can change its quizzes and questions."))
