"""Demo analytics: the daily rollups over the demo's events of the past 60 days, so the
demo mentor's course dashboards and the staff dashboard have charts after ``make run``.

The demo's learning events are seeded by ``dashboards/demo_analytics_events.py``. Until
those exist (a fresh database without them), a small deterministic stream is written here
for the demo courses instead: fixed event ids, so a second ``seed_demo`` adds nothing, and
only when the demo courses have no events at all, so it never doubles the real demo stream.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from activity.verbs import Verb
from analytics.models import Event
from analytics.services.rollups import rollup_range

DAYS = 60
NAMESPACE = uuid.UUID("6f0d3c52-4b8e-4f8a-9d1e-15a11c0115ed")


def _event(
    key: str,
    day: Any,
    verb: str,
    *,
    actor: int | None,
    obj: tuple[str, int | None],
    course: int | None = None,
    result: dict[str, Any] | None = None,
    anonymous: str = "",
    hour: int = 12,
) -> Event:
    at = datetime.combine(day, time(hour % 24, 0), tzinfo=timezone.get_default_timezone())
    return Event(
        event_id=uuid.uuid5(NAMESPACE, key),
        occurred_at=at,
        actor_id=actor,
        anonymous_id=anonymous,
        verb=verb,
        object_type=obj[0],
        object_id=obj[1],
        course_id=course,
        result=result or {},
        context={"demo": "rollups"},
    )


def _course_events(course: Any, lesson_ids: list[int], learners: list[Any], today: Any) -> list:
    rng = random.Random(f"analytics-{course.slug}")
    events: list[Event] = []
    for person in learners:
        start = rng.randrange(1, DAYS)
        day = today - timedelta(days=start)
        key = f"{course.pk}:{person.pk}"
        events.append(
            _event(
                f"{key}:view",
                day,
                Verb.COURSE_VIEWED,
                actor=person.pk,
                obj=("course", course.pk),
                course=course.pk,
                hour=9,
            )
        )
        events.append(
            _event(
                f"{key}:enrolled",
                day,
                Verb.ENROLLED,
                actor=person.pk,
                obj=("course", course.pk),
                course=course.pk,
                hour=10,
            )
        )
        # each learner gets through a part of the outline, a lesson every day or two
        reach = rng.randint(0, len(lesson_ids))
        for n, lesson_id in enumerate(lesson_ids[:reach]):
            day = min(today, day + timedelta(days=rng.randint(0, 2)))
            lk = f"{key}:{lesson_id}"
            events.append(
                _event(
                    f"{lk}:v",
                    day,
                    Verb.LESSON_VIEWED,
                    actor=person.pk,
                    obj=("lesson", lesson_id),
                    course=course.pk,
                    hour=11 + n,
                )
            )
            events.append(
                _event(
                    f"{lk}:p",
                    day,
                    Verb.VIDEO_PROGRESS,
                    actor=person.pk,
                    obj=("lesson", lesson_id),
                    course=course.pk,
                    hour=11 + n,
                    result={"progress": 1.0, "duration": rng.randint(120, 900)},
                )
            )
            events.append(
                _event(
                    f"{lk}:c",
                    day,
                    Verb.LESSON_COMPLETED,
                    actor=person.pk,
                    obj=("lesson", lesson_id),
                    course=course.pk,
                    hour=12 + n,
                )
            )
        if reach and rng.random() < 0.6:
            score = round(rng.uniform(0.35, 1.0), 2)
            events.append(
                _event(
                    f"{key}:quiz",
                    day,
                    Verb.QUIZ_SUBMITTED,
                    actor=person.pk,
                    obj=("quiz", course.pk),
                    course=course.pk,
                    hour=20,
                )
            )
            events.append(
                _event(
                    f"{key}:graded",
                    day,
                    Verb.QUIZ_GRADED,
                    actor=person.pk,
                    obj=("quiz", course.pk),
                    course=course.pk,
                    hour=20,
                    result={
                        "score": score,
                        "success": score >= 0.5,
                        "raw": round(score * 10),
                        "max": 10,
                    },
                )
            )
        if lesson_ids and reach == len(lesson_ids):
            events.append(
                _event(
                    f"{key}:done",
                    day,
                    Verb.COURSE_COMPLETED,
                    actor=person.pk,
                    obj=("course", course.pk),
                    course=course.pk,
                    hour=21,
                    result={
                        "completion": True,
                        "duration": (day - (today - timedelta(days=start))).days * 86400 + 3600,
                    },
                )
            )
            stars = rng.choice((3, 4, 4, 5, 5))
            events.append(
                _event(
                    f"{key}:rated",
                    day,
                    Verb.COURSE_RATED,
                    actor=person.pk,
                    obj=("course", course.pk),
                    course=course.pk,
                    hour=22,
                    result={"raw": stars, "score": stars / 5},
                )
            )
    return events


def _platform_events(people: list[Any], today: Any) -> list[Event]:
    rng = random.Random("analytics-platform")
    events = []
    for n in range(DAYS):
        day = today - timedelta(days=n)
        for v in range(rng.randint(5, 15)):
            events.append(
                _event(
                    f"cat:{n}:{v}",
                    day,
                    Verb.CATALOGUE_VIEWED,
                    actor=None,
                    anonymous=f"demo-visitor-{n}-{v}",
                    obj=("catalogue", None),
                )
            )
        for person in rng.sample(people, k=min(len(people), rng.randint(1, 6))):
            events.append(
                _event(
                    f"login:{n}:{person.pk}",
                    day,
                    Verb.LOGGED_IN,
                    actor=person.pk,
                    obj=("user", person.pk),
                    hour=8,
                )
            )
            events.append(
                _event(
                    f"cat:{n}:{person.pk}",
                    day,
                    Verb.CATALOGUE_VIEWED,
                    actor=person.pk,
                    obj=("catalogue", None),
                    hour=8,
                )
            )
        if rng.random() < 0.5:
            buyer = rng.choice(people)
            events.append(
                _event(
                    f"paid:{n}",
                    day,
                    Verb.PAYMENT_SUCCEEDED,
                    actor=buyer.pk,
                    obj=("order", None),
                    hour=15,
                    result={
                        "amount": rng.choice(("499.00", "999.00", "1499.00")),
                        "currency": "INR",
                    },
                )
            )
        if rng.random() < 0.08:
            events.append(
                _event(
                    f"refund:{n}",
                    day,
                    Verb.REFUNDED,
                    actor=rng.choice(people).pk,
                    obj=("order", None),
                    hour=16,
                    result={"amount": "499.00", "currency": "INR"},
                )
            )
    return events


def seed_analytics_rollups(*, courses: dict[str, Any], student: Any, learners: list[Any]) -> int:
    """Roll up the past 60 days (idempotent); returns the number of events rolled up."""
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=DAYS)
    course_ids = [c.pk for c in courses.values()]
    has_events = Event.objects.filter(course_id__in=course_ids, occurred_at__gte=since).exists()
    people = [p for p in [student, *learners] if p is not None]
    if not has_events and people:
        events: list[Event] = _platform_events(people, today)
        for course in courses.values():
            lesson_ids = list(
                course.lessons.filter(is_published=True)
                .order_by("module__order", "module_id", "order", "id")
                .values_list("id", flat=True)
            )
            events += _course_events(course, lesson_ids, people, today)
        Event.objects.bulk_create(events, batch_size=2000, ignore_conflicts=True)
    reports = rollup_range(start=today - timedelta(days=DAYS - 1), end=today)
    return sum(r.events for r in reports)
