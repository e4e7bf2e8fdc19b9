"""The daily rollups: one day's raw events turned into the rows the dashboards read.

``rollup_day`` reads the day's events once (a time range, which the BRIN index on
``occurred_at`` answers with a few block ranges), folds them in Python (robust to a
malformed ``result`` from a client: a bad number is skipped, never a failed job) and rewrites
the day's rows of every rollup table in one transaction: delete, then insert. Running it again
for the same day gives the same rows, so the beat job, a backfill and a manual re-run are the
same operation. Days are UTC days (``TIME_ZONE``).

WAU and MAU of a day count the ``PersonDay`` rows of the 7 and 30 days ending that day, so a
backfill runs its days oldest first.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.verbs import Verb
from analytics.models import (
    CourseCompletion,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    Event,
    PersonDay,
    RevenueDay,
    SiteDay,
)
from analytics.selectors.rollups import ROLLUP_CACHE_SCOPE
from kalpla.cache import cache_version_bump_on_commit
from kalpla.exceptions import ValidationError

logger = logging.getLogger(__name__)

# The longest range one backfill call takes (a beat job never needs more than two days).
MAX_BACKFILL_DAYS = 400
ROLLUP_TABLES = (PersonDay, RevenueDay, CourseDay, CourseLearnerDay, CourseLessonDay)
FUNNEL_VERBS = {
    Verb.CATALOGUE_VIEWED: "catalogue",
    Verb.COURSE_VIEWED: "course_page",
    Verb.ENROLLED: "enrolled",
    Verb.PAYMENT_SUCCEEDED: "paid",
}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day's first instant and the next day's, in the project's time zone."""
    tz = timezone.get_default_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, start + timedelta(days=1)


def _number(value: Any) -> float | None:
    """A finite number from a JSON value, or None (bools and strings are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _money(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() and amount >= 0 else None


@dataclass
class _Course:
    enrollments: int = 0
    completions: int = 0
    lesson_views: int = 0
    watch_seconds: float = 0.0
    quiz_submissions: int = 0
    quiz_graded: int = 0
    quiz_score_sum: float = 0.0
    ratings: int = 0
    rating_sum: int = 0
    learners: set[int] = field(default_factory=set)


@dataclass
class _Revenue:
    payments: int = 0
    revenue: Decimal = Decimal(0)
    refunds: int = 0
    refunded: Decimal = Decimal(0)


@dataclass
class _Fold:
    """Everything one day's events add up to, before it is written."""

    persons: dict[str, dict[str, Any]] = field(default_factory=dict)
    signups: int = 0
    enrollments: int = 0
    completions: int = 0
    courses: dict[int, _Course] = field(default_factory=lambda: defaultdict(_Course))
    lessons: dict[tuple[int, int], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    completions_rows: list[tuple[int, int | None, int | None]] = field(default_factory=list)
    revenue: dict[str, _Revenue] = field(default_factory=lambda: defaultdict(_Revenue))
    events: int = 0

    def person(self, actor_id: int | None, anonymous_id: str) -> dict[str, Any] | None:
        if actor_id is None and not anonymous_id:
            return None
        key = f"u:{actor_id}" if actor_id is not None else f"a:{anonymous_id}"
        if key not in self.persons:
            self.persons[key] = {"user_id": actor_id, **dict.fromkeys(FUNNEL_VERBS.values(), False)}
        return self.persons[key]

    def add(self, row: tuple[Any, ...]) -> None:
        actor_id, anonymous_id, verb, object_type, object_id, course_id, result = row
        self.events += 1
        result = result if isinstance(result, dict) else {}
        person = self.person(actor_id, anonymous_id)
        if person is not None and verb in FUNNEL_VERBS:
            person[FUNNEL_VERBS[verb]] = True
        if verb == Verb.SIGNED_UP:
            self.signups += 1
        elif verb == Verb.ENROLLED:
            self.enrollments += 1
        elif verb == Verb.COURSE_COMPLETED:
            self.completions += 1
        elif verb in (Verb.PAYMENT_SUCCEEDED, Verb.REFUNDED):
            self._money(verb, result)
        if course_id is not None:
            self._course(course_id, actor_id, verb, object_type, object_id, result)

    def _money(self, verb: str, result: dict[str, Any]) -> None:
        amount = _money(result.get("amount"))
        currency = str(result.get("currency") or "").upper()[:3]
        if amount is None or len(currency) != 3:
            return
        totals = self.revenue[currency]
        if verb == Verb.PAYMENT_SUCCEEDED:
            totals.payments += 1
            totals.revenue += amount
        else:
            totals.refunds += 1
            totals.refunded += amount

    def _course(
        self,
        course_id: int,
        actor_id: int | None,
        verb: str,
        object_type: str,
        object_id: int | None,
        result: dict[str, Any],
    ) -> None:
        course = self.courses[course_id]
        if actor_id is not None:
            course.learners.add(actor_id)
        if verb == Verb.ENROLLED:
            course.enrollments += 1
        elif verb == Verb.COURSE_COMPLETED:
            course.completions += 1
            duration = _number(result.get("duration"))
            self.completions_rows.append(
                (course_id, actor_id, None if duration is None else max(0, int(duration)))
            )
        elif verb in (Verb.LESSON_VIEWED, Verb.LESSON_COMPLETED):
            if object_type == "lesson" and object_id is not None:
                self.lessons[(course_id, object_id)][verb == Verb.LESSON_COMPLETED] += 1
            if verb == Verb.LESSON_VIEWED:
                course.lesson_views += 1
        elif verb == Verb.VIDEO_PROGRESS:
            course.watch_seconds += max(0.0, _number(result.get("duration")) or 0.0)
        elif verb == Verb.QUIZ_SUBMITTED:
            course.quiz_submissions += 1
        elif verb == Verb.QUIZ_GRADED:
            score = _number(result.get("score"))
            if score is not None:
                course.quiz_graded += 1
                course.quiz_score_sum += min(1.0, max(0.0, score))
        elif verb == Verb.COURSE_RATED:
            stars = _number(result.get("raw"))
            if stars is not None and 1 <= stars <= 5:
                course.ratings += 1
                course.rating_sum += int(stars)


@dataclass(frozen=True)
class RollupReport:
    day: date
    events: int
    seconds: float


def _fold(day: date) -> _Fold:
    start, end = day_bounds(day)
    rows = (
        Event.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .order_by()
        .values_list(
            "actor_id",
            "anonymous_id",
            "verb",
            "object_type",
            "object_id",
            "course_id",
            "result",
        )
    )
    fold = _Fold()
    for row in rows.iterator(chunk_size=5000):
        fold.add(row)
    return fold


def _write(day: date, fold: _Fold) -> None:
    for model in (*ROLLUP_TABLES, CourseCompletion):
        model.objects.filter(day=day).delete()
    PersonDay.objects.bulk_create(
        [PersonDay(day=day, person=key, **values) for key, values in fold.persons.items()],
        batch_size=2000,
    )
    RevenueDay.objects.bulk_create(
        [RevenueDay(day=day, currency=c, **vars(t)) for c, t in sorted(fold.revenue.items())]
    )
    course_rows = []
    learner_rows = []
    for course_id, c in fold.courses.items():
        course_rows.append(
            CourseDay(
                course_id=course_id,
                day=day,
                enrollments=c.enrollments,
                active_learners=len(c.learners),
                completions=c.completions,
                lesson_views=c.lesson_views,
                watch_seconds=round(c.watch_seconds),
                quiz_submissions=c.quiz_submissions,
                quiz_graded=c.quiz_graded,
                quiz_score_sum=c.quiz_score_sum,
                ratings=c.ratings,
                rating_sum=c.rating_sum,
            )
        )
        learner_rows += [
            CourseLearnerDay(course_id=course_id, day=day, user_id=u) for u in c.learners
        ]
    CourseDay.objects.bulk_create(course_rows, batch_size=2000)
    CourseLearnerDay.objects.bulk_create(learner_rows, batch_size=5000)
    CourseLessonDay.objects.bulk_create(
        [
            CourseLessonDay(course_id=c, lesson_id=lesson, day=day, views=v, completions=done)
            for (c, lesson), (v, done) in fold.lessons.items()
        ],
        batch_size=2000,
    )
    CourseCompletion.objects.bulk_create(
        [
            CourseCompletion(course_id=c, day=day, user_id=u, duration_seconds=d)
            for c, u, d in fold.completions_rows
        ],
        batch_size=2000,
    )
    SiteDay.objects.update_or_create(
        day=day,
        defaults={
            "dau": sum(1 for p in fold.persons.values() if p["user_id"] is not None),
            "wau": _active_users(day, 7),
            "mau": _active_users(day, 30),
            "signups": fold.signups,
            "enrollments": fold.enrollments,
            "completions": fold.completions,
        },
    )


def _active_users(day: date, days: int) -> int:
    return (
        PersonDay.objects.filter(day__gt=day - timedelta(days=days), day__lte=day)
        .exclude(user_id=None)
        .values("user_id")
        .distinct()
        .count()
    )


def _check_day(day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            _("A day in the future has no events yet."), errors={"day": [_("Not yet.")]}
        )


def rollup_day(*, day: date) -> RollupReport:
    """Recompute every rollup row of ``day`` from its raw events (idempotent)."""
    _check_day(day)
    began = time.perf_counter()
    fold = _fold(day)
    with transaction.atomic():
        _write(day, fold)
        # the one place cached dashboards are retired: any rewritten day may be in their range
        cache_version_bump_on_commit(ROLLUP_CACHE_SCOPE)
    report = RollupReport(day=day, events=fold.events, seconds=time.perf_counter() - began)
    logger.info("analytics rollup %s: %s events in %.2fs", day, report.events, report.seconds)
    return report


def rollup_range(*, start: date, end: date) -> list[RollupReport]:
    """Recompute ``start``..``end`` (inclusive), oldest first (WAU/MAU read earlier days)."""
    if end < start:
        raise ValidationError(
            _("The range ends before it starts."), errors={"end": [_("Before the start.")]}
        )
    if (end - start).days + 1 > MAX_BACKFILL_DAYS:
        raise ValidationError(
            _("At most %(days)s days at once.") % {"days": MAX_BACKFILL_DAYS},
            errors={"end": [_("Range too long.")]},
        )
    _check_day(end)
    return [rollup_day(day=start + timedelta(days=n)) for n in range((end - start).days + 1)]


def rollup_recent() -> list[RollupReport]:
    """The beat job: yesterday (late events) and today so far."""
    today = timezone.localdate()
    return rollup_range(start=today - timedelta(days=1), end=today)
