"""Signals of the enrollments app: the contracts other apps listen to.

``course_completed`` is sent once per completion, after the transaction that completed the
course has committed, with ``sender=Enrollment`` and ``enrollment=<Enrollment>``
(status ``completed``, ``completed_at`` set). Certificates, assessments and analytics
connect to it; a receiver that fails does not undo the completion.

``enrollment_changed`` is sent after the transaction commits whenever a user starts or stops
being an active student of a course (enrolled, re-enrolled, unenrolled), with
``sender=Enrollment``, ``user_id=<int>``, ``course_id=<int>`` and ``active=<bool>``. The
community app keeps the course group's members in step with it; assessments gives a new
learner a gradebook row. A receiver that fails is logged and does not undo the enrollment.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

course_completed = Signal()
enrollment_changed = Signal()


def announce_enrollment_change(enrollment: Any, *, active: bool) -> None:
    """Send ``enrollment_changed`` after commit (live course groups, caches, analytics)."""
    user_id, course_id = enrollment.user_id, enrollment.course_id

    def send() -> None:
        results = enrollment_changed.send_robust(
            sender=type(enrollment), user_id=user_id, course_id=course_id, active=active
        )
        for receiver, result in results:
            if isinstance(result, Exception):
                logger.error(
                    "enrollment_changed receiver %r failed for user %s in course %s",
                    receiver,
                    user_id,
                    course_id,
                    exc_info=result,
                )

    transaction.on_commit(send)
