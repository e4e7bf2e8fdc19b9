"""Events of other apps in mentorship's calendar feeds (mentorship cannot import them).

Registered in ``DashboardsConfig.ready``: the top layer wires the apps below together.
"""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.selectors import assignment_due_list
from mentorship.ical import FeedEvent, absolute
from mentorship.selectors.calendar import FEED_MAX_EVENTS


def assignment_due_dates(*, user: Any, since: datetime) -> list[FeedEvent]:
    """The user's assignment due dates (their extension's when they have one). One query."""
    return [
        FeedEvent(
            uid=f"assignment-{assignment.pk}-due-{user.pk}@kalpla",
            summary=_("Due: %(title)s") % {"title": assignment.lesson.title},
            starts_at=assignment.own_due_at,  # type: ignore[attr-defined]
            description=_("Assignment of %(course)s") % {"course": assignment.course.title},
            url=absolute(reverse("assessments:assignment", args=[assignment.lesson_id])),
            stamp=assignment.updated_at,
            category=_("Assignment"),
        )
        for assignment in assignment_due_list(user=user, since=since, limit=FEED_MAX_EVENTS)
    ]
