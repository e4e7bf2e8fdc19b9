"""What follows any edit of a course's content: the derived data refreshed once the change is
committed. Every course service calls ``course_changed``; it imports no other service."""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

from courses.models import Course
from courses.services.search import course_search_document_refresh

logger = logging.getLogger(__name__)


def course_changed(*, course: Course) -> None:
    """Refresh what is derived from a course's content once the change is committed: the
    search document. (Cached pages are retired by ``courses.cache`` on every save.)"""
    course_id = course.pk
    transaction.on_commit(lambda: _refresh_derived(course_id))


def _refresh_derived(course_id: int) -> None:
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        return
    for hook in _derived_hooks():
        try:
            hook(course=course)
        except Exception:  # a stale search document must not undo a saved edit
            logger.exception("refreshing course %s after an edit failed", course_id)


def _derived_hooks() -> list[Callable[..., Any]]:
    return [course_search_document_refresh]
