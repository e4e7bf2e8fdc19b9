from typing import Any

from django.conf import settings
from django.core import checks

from kalpla.checks import dotted_path_errors


@checks.register()
def lesson_activities_resolve(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The modules KALPLA_LESSON_ACTIVITIES and KALPLA_COURSE_TEACH_TABS name answer what
    courses.activities asks (checked at start-up)."""
    errors: list[checks.CheckMessage] = []
    for kind, path in sorted(settings.KALPLA_LESSON_ACTIVITIES.items()):
        for hook in ("student_link", "editor_link"):
            errors += dotted_path_errors(
                f"{path}.{hook}",
                what=f"Lesson kind {kind!r} of KALPLA_LESSON_ACTIVITIES",
                hint="Name a module with student_link() and editor_link() (courses/activities.py).",
                id="courses.E001",
            )
    for path in settings.KALPLA_COURSE_TEACH_TABS:
        errors += dotted_path_errors(
            f"{path}.teach_tab",
            what="A course editor tab of KALPLA_COURSE_TEACH_TABS",
            hint="Name a module with teach_tab(course=...) (courses/activities.py).",
            id="courses.E002",
        )
    return errors
