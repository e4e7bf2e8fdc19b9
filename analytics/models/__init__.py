"""Models of the analytics app: one module per area, all importable from here."""

from analytics.models.events import Event
from analytics.models.rollups import (
    CourseCompletion,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    PersonDay,
    RevenueDay,
    SiteDay,
)

__all__ = [
    "CourseCompletion",
    "CourseDay",
    "CourseLearnerDay",
    "CourseLessonDay",
    "Event",
    "PersonDay",
    "RevenueDay",
    "SiteDay",
]
