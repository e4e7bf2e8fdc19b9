"""The course editor's "Cohorts" tab (``settings.KALPLA_COURSE_TEACH_TABS``)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.activities import TeachTab


def teach_tab(*, course: Any) -> TeachTab:
    return TeachTab(
        "cohorts", _("Cohorts"), reverse("enrollments:teach_cohorts", args=[course.slug])
    )
