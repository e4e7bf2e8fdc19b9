"""Template helpers of the course editor."""

from typing import Any

from django import template

from courses.activities import TeachTab, course_teach_tabs

register = template.Library()


@register.simple_tag
def teach_tabs(course: Any) -> list[TeachTab]:
    """The editor's tabs other apps add (question banks), after Details and Outline."""
    return course_teach_tabs(course=course)
