"""What courses asks of a quiz lesson (``courses.activities``, named in settings): where
students take the quiz, where mentors set it up, and the course editor's question-bank tab."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.activities import TeachTab


def student_link(*, lesson_id: int) -> tuple[str, str]:
    return _("Open the quiz"), reverse("assessments:quiz", args=[lesson_id])


def editor_link(*, lesson_id: int) -> tuple[str, str]:
    return _("Questions and settings"), reverse("assessments:teach_quiz", args=[lesson_id])


def teach_tab(*, course: Any) -> TeachTab:
    return TeachTab(
        "banks", _("Question banks"), reverse("assessments:teach_banks", args=[course.slug])
    )
