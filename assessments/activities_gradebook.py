"""The course editor's Gradebook tab (``KALPLA_COURSE_TEACH_TABS``)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.activities import TeachTab


def teach_tab(*, course: Any) -> TeachTab:
    return TeachTab(
        "gradebook", _("Gradebook"), reverse("assessments:gradebook", args=[course.slug])
    )
