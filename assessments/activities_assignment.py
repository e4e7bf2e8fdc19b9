"""What courses asks of an assignment lesson (``courses.activities``, named in settings)."""

from django.urls import reverse
from django.utils.translation import gettext as _


def student_link(*, lesson_id: int) -> tuple[str, str]:
    return _("Open the assignment"), reverse("assessments:assignment", args=[lesson_id])


def editor_link(*, lesson_id: int) -> tuple[str, str]:
    return _("Assignment settings and submissions"), reverse(
        "assessments:teach_assignment", args=[lesson_id]
    )
