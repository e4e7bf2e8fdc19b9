"""Lessons whose content another app provides, asked through settings.

A quiz lesson's questions, attempts and grades are the assessments app's, above courses in the
layers (README, "Architecture"): courses imports nothing of it. ``KALPLA_LESSON_ACTIVITIES``
names, per lesson kind, the module that says where students take the activity and where mentors
set it up; ``KALPLA_COURSE_TEACH_TABS`` names modules that add a tab to the course editor (the
question banks). The modules are imported when first asked, the way settings name backends.
"""

from functools import cache
from importlib import import_module
from typing import Any, NamedTuple, Protocol, cast

from django.conf import settings


class Activity(Protocol):
    """What the lesson player and the lesson editor ask of a lesson kind's app."""

    def student_link(self, *, lesson_id: int) -> tuple[str, str]:
        """(label, URL) of the button that opens the activity for students."""

    def editor_link(self, *, lesson_id: int) -> tuple[str, str]:
        """(label, URL) of the button that sets the activity up."""


class TeachTab(NamedTuple):
    key: str
    label: str
    url: str


class TeachTabs(Protocol):
    def teach_tab(self, *, course: Any) -> TeachTab: ...


@cache
def _module(path: str) -> Any:
    return import_module(path)


def lesson_activity(kind: str) -> Activity | None:
    path = settings.KALPLA_LESSON_ACTIVITIES.get(kind)
    return cast(Activity, _module(path)) if path else None


def course_teach_tabs(*, course: Any) -> list[TeachTab]:
    return [
        cast(TeachTabs, _module(path)).teach_tab(course=course)
        for path in settings.KALPLA_COURSE_TEACH_TABS
    ]
