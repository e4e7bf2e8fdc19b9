"""The course editor's Badges tab (named in settings.KALPLA_COURSE_TEACH_TABS)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.activities import TeachTab


def teach_tab(*, course: Any) -> TeachTab:
    return TeachTab("badges", _("Badges"), reverse("assessments:teach_badges", args=[course.slug]))
