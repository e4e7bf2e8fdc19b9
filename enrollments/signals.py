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

``cohort_seat_freed`` is sent inside the transaction that cancelled an enrollment in a cohort
(the cohort's row lock held), with ``sender=Enrollment`` and ``cohort_id=<int>``: the
cohort's waitlist (``enrollments.cohorts.waitlist``) gives the seat to the next person in it.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from activity.tracking import ActorRef, ObjectRef, track
from activity.verbs import Verb

logger = logging.getLogger(__name__)

course_completed = Signal()
enrollment_changed = Signal()
cohort_seat_freed = Signal()


def enrollment_changed_send(*, user_id: int, course_id: int, active: bool) -> None:
    """Send ``enrollment_changed`` now; a receiver that fails is logged, the others still run."""
    from enrollments.models import Enrollment

    results = enrollment_changed.send_robust(
        sender=Enrollment, user_id=user_id, course_id=course_id, active=active
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


def announce_enrollment_change(enrollment: Any, *, active: bool) -> None:
    """Send ``enrollment_changed`` after commit (live course groups, caches, analytics)."""
    user_id, course_id = enrollment.user_id, enrollment.course_id
    enrollment_track(user_id=user_id, course_id=course_id, active=active, source=enrollment.source)
    transaction.on_commit(
        lambda: enrollment_changed_send(user_id=user_id, course_id=course_id, active=active)
    )


def enrollment_track(*, user_id: int, course_id: int, active: bool, source: str) -> None:
    """The learning event of an enrollment change (analytics): one place for every path."""
    track(
        actor=ActorRef(user_id),
        verb=Verb.ENROLLED if active else Verb.UNENROLLED,
        object=ObjectRef("course", course_id),
        context={"source": str(source)},
    )
