"""The course outline, built once: modules in order, each with its lessons in order.

``course_outline_modules`` is the one query pair every outline starts from: the course page
and the API's course detail (``courses.selectors.cached.course_outline``, the public outline
as ready data, cached per course version), the lesson player's outline with each lesson's
access (``enrollments.access.course_learning_outline``) and the authoring editor
(``courses.selectors.authoring.course_outline_for_editing``). Students' outlines leave out
draft modules and lessons; instructors' and staff's include them.

It also holds the duration labels the outlines (and the catalogue's cards) print.
"""

from typing import cast

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from courses.models import Course, Lesson, Module

OUTLINE_LESSON_FIELDS = (
    "id",
    "module_id",
    "course_id",
    "title",
    "kind",
    "order",
    "duration",
    "is_preview",
    "is_required",
    "release",
    "release_days",
    "release_date",
    "is_published",
    "media_status",
)


def course_outline_modules(*, course: Course, drafts: bool = False) -> list[Module]:
    """The course's modules in order, each with its lessons in order as ``lesson_list``
    (two queries). ``drafts``: include draft modules and lessons (the course's instructors
    and staff); without, what students see. Each lesson's ``course`` and ``module`` are set
    (no query when the access rule reads them)."""
    modules = Module.objects.filter(course=course)
    lessons = Lesson.objects.all()
    if not drafts:
        modules, lessons = modules.visible(), lessons.filter(is_published=True)
    module_list = list(
        modules.order_by("order", "id").prefetch_related(
            Prefetch(
                "lessons",
                queryset=lessons.order_by("order", "id").only(*OUTLINE_LESSON_FIELDS),
                to_attr="lesson_list",
            )
        )
    )
    for module in module_list:
        module.course = course
        for lesson in module.lesson_list:
            lesson.course, lesson.module = course, module
    return cast(list[Module], module_list)


def duration_clock(seconds: int) -> str:
    """mm:ss, or h:mm:ss from an hour on."""
    seconds = max(int(seconds or 0), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def duration_words(seconds: int) -> str:
    """ "2 h 05 min", "45 min", "< 1 min"."""
    minutes = round(max(int(seconds or 0), 0) / 60)
    if minutes < 1:
        return str(_("< 1 min")) if seconds else ""
    hours, minutes = divmod(minutes, 60)
    if hours:
        return str(_("%(h)d h %(m)02d min") % {"h": hours, "m": minutes})
    return str(_("%(m)d min") % {"m": minutes})
