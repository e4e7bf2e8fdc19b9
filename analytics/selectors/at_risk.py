"""At-risk learners of a course: who, why, and when they were last nudged.

Last activity is the enrollment's ``last_viewed_at`` (kept by the lesson player on every
lesson opened; the enrollment date until then): one row per learner already, so the page
reads one indexed row per learner instead of scanning the raw event stream, and it is exactly
"learning in this course" (signing in to browse does not count).

Reasons:
- ``inactive``: no lesson opened for ``KALPLA_AT_RISK_INACTIVE_DAYS`` days;
- ``behind``: progress more than ``KALPLA_AT_RISK_PACE_MARGIN`` points below the expected:
  the share of the cohort's calendar gone by, or (self-paced) the median progress of the
  learners who enrolled in the same week of age (at least 3 of them, a week old or more);
- ``failing``: a course total that is below the pass mark (assessments' gradebook).

Four queries whatever the number of learners.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from analytics.models import Nudge
from analytics.policies import analytics_can_view_course
from assessments.selectors_gradebook import course_failing_student_ids
from courses.selectors.activity import course_in_bulk
from enrollments.selectors import course_learner_progress
from kalpla.exceptions import NotFound, PermissionDenied

REASONS = {
    "inactive": _("Inactive"),
    "behind": _("Behind the pace"),
    "failing": _("Failing"),
}
MIN_PEERS = 3


@dataclass
class AtRiskLearner:
    user_id: int
    name: str
    email: str
    progress: int
    expected: int | None
    last_active: datetime
    enrolled_at: datetime
    reasons: list[str] = field(default_factory=list)
    last_nudged_at: datetime | None = None

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


def _cohort_expected(row: dict[str, Any], now: datetime) -> int | None:
    start, end = row["cohort__starts_at"], row["cohort__ends_at"]
    if start is None or end is None or end <= start:
        return None
    share = (now - start) / (end - start)
    return round(100 * min(max(share, 0.0), 1.0))


def expected_progress(rows: list[dict[str, Any]], now: datetime) -> dict[int, int | None]:
    """Per learner, the progress their pace should show by now (None: nothing to compare)."""
    weeks: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row["cohort__starts_at"] is None:
            weeks[(now - row["created_at"]).days // 7].append(row["progress_percent"])
    medians = {
        week: round(statistics.median(values))
        for week, values in weeks.items()
        if week >= 1 and len(values) >= MIN_PEERS
    }
    expected: dict[int, int | None] = {}
    for row in rows:
        if row["cohort__starts_at"] is not None:
            expected[row["user_id"]] = _cohort_expected(row, now)
        else:
            expected[row["user_id"]] = medians.get((now - row["created_at"]).days // 7)
    return expected


def last_nudges(*, course_id: int, learner_ids: list[int]) -> dict[int, datetime]:
    rows = (
        Nudge.objects.filter(course_id=course_id, learner_id__in=learner_ids)
        .values("learner_id")
        .annotate(last=Max("created_at"))
        .order_by()
    )
    return {row["learner_id"]: row["last"] for row in rows}


def at_risk_learners(*, course_id: int, now: datetime | None = None) -> list[AtRiskLearner]:
    """The course's at-risk learners, most reasons first, then longest inactive."""
    now = now or timezone.now()
    rows = list(course_learner_progress(course_id=course_id))
    failing = course_failing_student_ids(course_id=course_id)
    expected = expected_progress(rows, now)
    idle_since = now - timedelta(days=settings.KALPLA_AT_RISK_INACTIVE_DAYS)
    margin = settings.KALPLA_AT_RISK_PACE_MARGIN
    found: list[AtRiskLearner] = []
    for row in rows:
        last_active = row["last_viewed_at"] or row["created_at"]
        learner = AtRiskLearner(
            user_id=row["user_id"],
            name=row["user__name"] or row["user__email"],
            email=row["user__email"],
            progress=row["progress_percent"],
            expected=expected[row["user_id"]],
            last_active=last_active,
            enrolled_at=row["created_at"],
        )
        if last_active < idle_since:
            learner.reasons.append("inactive")
        if learner.expected is not None and learner.progress < learner.expected - margin:
            learner.reasons.append("behind")
        if learner.user_id in failing:
            learner.reasons.append("failing")
        if learner.reasons:
            found.append(learner)
    nudged = last_nudges(course_id=course_id, learner_ids=[x.user_id for x in found])
    for learner in found:
        learner.last_nudged_at = nudged.get(learner.user_id)
    found.sort(key=lambda x: (-len(x.reasons), x.last_active, x.user_id))
    return found


def course_for_analytics(*, course_id: int, user: Any) -> Any:
    """The course, when ``user`` may see its analytics: 404 when there is none, 403 when
    they may not (a mentor asking about a course they do not teach)."""
    course = course_in_bulk(course_ids=[course_id]).get(course_id)
    if course is None:
        raise NotFound(gettext_now("No such course."))
    if not analytics_can_view_course(user=user, course=course):
        raise PermissionDenied(gettext_now("You can see the analytics of your own courses only."))
    return course
