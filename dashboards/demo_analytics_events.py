"""Demo learning events for ``manage.py seed_demo``: 60 days of activity on the demo courses
so the analytics dashboards have believable charts after ``make run``.

- visitors (anonymous, by a first-party id) look at the catalogue and some course pages,
  traffic growing over the weeks with quieter weekends;
- learners (the demo learners and an audience of demo accounts made here, who cannot sign
  in) sign up, log in, look at courses, enroll (free or paid: a payment in the course's
  price and currency; a few refunds), and work through each course's outline in order (the
  real lesson ids, from the courses selectors): lesson views, video quartiles with the time
  watched, first completions, quizzes graded (the real quiz ids) and assignments; each
  learner drops off somewhere, so completions fall along the outline; those who finish
  complete the course (with the time since enrolling), often rate it and earn a certificate;
- some post in the course group, send chat messages and book and attend mentoring sessions.

The result: catalogue views > course views > enrollments > payments (a funnel), a drop-off
curve per course, and something in every rollup.

Deterministic (``random.Random(SEED)`` over the same courses and people), dated relative to
today (nothing in the future) and idempotent: every demo event carries ``context["demo"]``
and a uuid5 event id; a rerun deletes the earlier demo events and inserts them again
(a day later, shifted to the new today). Bulk-inserted in batches: about 6,000 rows.
"""

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from activity.verbs import Verb
from analytics.models import Event
from assessments.models import Assignment, Quiz
from community.models import Group, Room
from courses.models import Course, Lesson
from courses.selectors.lessons import course_lesson_ids
from mentorship.models import MentorProfile

SEED = 15
DAYS = 60
NAMESPACE = uuid.UUID("6f1d2c3e-8a4b-5c6d-9e0f-15a11a1e7e45")
MARK = "demo"
AUDIENCE = 120
VISITORS = 1500
BATCH = 2000
FIRST_NAMES = (
    "Aarav", "Ananya", "Arjun", "Bhavna", "Chetan", "Deepa", "Farah", "Gaurav", "Hema",
    "Ishaan", "Jaya", "Kabir", "Lakshmi", "Manoj", "Nisha", "Pooja", "Rahul", "Sana",
)  # fmt: skip
LAST_NAMES = ("Sharma", "Iyer", "Khan", "Das", "Menon", "Patel", "Rao", "Singh")
STARS = (5, 4, 3, 2, 1)
STAR_WEIGHTS = (45, 35, 12, 5, 3)


@dataclass
class _Lesson:
    id: int
    kind: str
    duration: int
    quiz: int | None = None
    assignment: int | None = None


@dataclass
class _Course:
    id: int
    price: Decimal
    currency: str
    popularity: float
    lessons: list[_Lesson]
    group: int | None = None


@dataclass
class _Stream:
    """The events made so far; each gets the next uuid5 id and the demo mark."""

    now: datetime
    events: list[Event] = field(default_factory=list)

    def add(
        self,
        when: datetime,
        verb: str,
        *,
        object_type: str,
        object_id: int | None = None,
        actor: int | None = None,
        anonymous: str = "",
        course: int | None = None,
        result: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
    ) -> bool:
        """False (and nothing added) for a moment after now."""
        if when > self.now:
            return False
        self.events.append(
            Event(
                event_id=uuid.uuid5(NAMESPACE, str(len(self.events))),
                occurred_at=when,
                actor_id=actor,
                anonymous_id=anonymous,
                verb=verb,
                object_type=object_type,
                object_id=object_id,
                course_id=course,
                platform="server" if verb != Verb.VIDEO_PROGRESS else "web",
                result=result or {},
                context={**(context or {}), MARK: True},
            )
        )
        return True


def _courses(courses: dict[str, Course]) -> list[_Course]:
    """The published demo courses with their visible lessons in outline order."""
    published = sorted(
        (c for c in courses.values() if c.status == Course.Status.PUBLISHED), key=lambda c: c.pk
    )
    ids = [c.pk for c in published]
    lessons = {
        lesson.pk: lesson
        for lesson in Lesson.objects.filter(course_id__in=ids).only("id", "kind", "duration")
    }
    quizzes = dict(Quiz.objects.filter(course_id__in=ids).values_list("lesson_id", "id"))
    assignments = dict(Assignment.objects.filter(course_id__in=ids).values_list("lesson_id", "id"))
    groups = dict(Group.objects.filter(course_id__in=ids).values_list("course_id", "id"))
    out = []
    for rank, course in enumerate(published):
        outline = [
            _Lesson(
                id=lesson_id,
                kind=lessons[lesson_id].kind,
                duration=lessons[lesson_id].duration or 300,
                quiz=quizzes.get(lesson_id),
                assignment=assignments.get(lesson_id),
            )
            for lesson_id in course_lesson_ids(course=course)
        ]
        if outline:
            out.append(
                _Course(
                    id=course.pk,
                    price=Decimal(str(course.price)),
                    currency=course.currency,
                    popularity=1.0 / (1 + rank % 5),
                    lessons=outline,
                    group=groups.get(course.pk),
                )
            )
    return out


def _audience() -> list[User]:
    """Demo accounts for the charts' volume (unusable passwords: they cannot sign in)."""
    wanted = {
        f"audience{n:02d}@example.com": (
            f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}"
        )
        for n in range(1, AUDIENCE + 1)
    }
    have = set(User.objects.filter(email__in=wanted).values_list("email", flat=True))
    missing = []
    for email, name in wanted.items():
        if email not in have:
            user = User(email=email, name=name)
            user.set_unusable_password()
            missing.append(user)
    User.objects.bulk_create(missing)
    return list(User.objects.filter(email__in=wanted).order_by("email"))


def _moment(rng: random.Random, day: datetime) -> datetime:
    """A time of day on ``day`` (midnight UTC), busier in the evening."""
    hour = min(23.9, max(6.0, rng.gauss(17, 4)))
    return day + timedelta(hours=hour)


def _visitors(stream: _Stream, rng: random.Random, days: list[datetime], plan: list[_Course]):
    weights = [c.popularity for c in plan]
    for n, day in enumerate(days):
        trend = 0.6 + 0.6 * n / len(days)
        weekend = 0.7 if day.weekday() >= 5 else 1.0
        for _ in range(int(36 * trend * weekend) + rng.randint(0, 6)):
            visitor = f"demo-visitor-{rng.randrange(VISITORS)}"
            when = _moment(rng, day)
            stream.add(when, Verb.CATALOGUE_VIEWED, object_type="catalogue", anonymous=visitor)
            if rng.random() < 0.45:
                course = rng.choices(plan, weights)[0]
                stream.add(
                    when + timedelta(seconds=rng.randint(5, 90)),
                    Verb.COURSE_VIEWED,
                    object_type="course",
                    object_id=course.id,
                    course=course.id,
                    anonymous=visitor,
                )


@dataclass
class _Extras:
    mentors: list[int]
    rooms: list[int]


def _learn(
    stream: _Stream,
    rng: random.Random,
    user: int,
    course: _Course,
    enrolled_at: datetime,
    extras: _Extras,
) -> None:
    """One learner through one course's outline until they drop off or finish."""
    persistence = rng.betavariate(2.2, 1.6)
    drop = 0.025 + 0.12 * (1 - persistence)
    when = enrolled_at + timedelta(minutes=rng.randint(2, 40))
    index = 0
    lessons = course.lessons
    while index < len(lessons):
        # a study session: logged in, one to three lessons
        stream.add(when, Verb.LOGGED_IN, object_type="user", object_id=user, actor=user)
        for _ in range(rng.randint(1, 3)):
            if index >= len(lessons):
                break
            lesson = lessons[index]
            when += timedelta(minutes=rng.randint(1, 6))
            if index and rng.random() < 0.15:  # a look back at the previous lesson
                previous = lessons[index - 1]
                stream.add(
                    when,
                    Verb.LESSON_VIEWED,
                    object_type="lesson",
                    object_id=previous.id,
                    actor=user,
                    course=course.id,
                )
            stream.add(
                when,
                Verb.LESSON_VIEWED,
                object_type="lesson",
                object_id=lesson.id,
                actor=user,
                course=course.id,
            )
            finished = _lesson_work(stream, rng, user, course, lesson, when)
            when += timedelta(seconds=lesson.duration * rng.uniform(1.0, 1.6))
            if not finished or rng.random() < drop:
                return
            stream.add(
                when,
                Verb.LESSON_COMPLETED,
                object_type="lesson",
                object_id=lesson.id,
                actor=user,
                course=course.id,
            )
            index += 1
        _social(stream, rng, user, course, when, extras)
        if index >= len(lessons):
            break
        when = _next_session(rng, when, persistence)
        if when > stream.now:
            return
    stream.add(
        when,
        Verb.COURSE_COMPLETED,
        object_type="course",
        object_id=course.id,
        actor=user,
        course=course.id,
        result={"completion": True, "duration": int((when - enrolled_at).total_seconds())},
    )
    stream.add(
        when + timedelta(seconds=5),
        Verb.CERTIFICATE_ISSUED,
        object_type="certificate",
        actor=user,
        course=course.id,
    )
    if rng.random() < 0.6:
        stars = rng.choices(STARS, STAR_WEIGHTS)[0]
        stream.add(
            when + timedelta(minutes=rng.randint(1, 30)),
            Verb.COURSE_RATED,
            object_type="course",
            object_id=course.id,
            actor=user,
            course=course.id,
            result={"raw": stars, "score": stars / 5},
        )


def _next_session(rng: random.Random, last: datetime, persistence: float) -> datetime:
    """When a learner comes back after studying until ``last``: later, at a waking hour."""
    gap = last + timedelta(days=rng.expovariate(1 / (1 + 3 * (1 - persistence))))
    start = gap.replace(hour=rng.randint(7, 22), minute=rng.randint(0, 59))
    return start if start > last else start + timedelta(days=1)


def _lesson_work(
    stream: _Stream,
    rng: random.Random,
    user: int,
    course: _Course,
    lesson: _Lesson,
    when: datetime,
) -> bool:
    """What the lesson's kind asks for; False when the learner stops part way."""
    if lesson.kind in (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO):
        for quarter in (0.25, 0.5, 0.75, 1.0):
            watched = lesson.duration / 4 * rng.uniform(0.95, 1.4)
            when += timedelta(seconds=watched)
            stream.add(
                when,
                Verb.VIDEO_PROGRESS,
                object_type="lesson",
                object_id=lesson.id,
                actor=user,
                course=course.id,
                result={"progress": quarter, "duration": round(watched, 1)},
            )
            if quarter < 1.0 and rng.random() < 0.025:
                return False
    elif lesson.kind == Lesson.Kind.QUIZ and lesson.quiz:
        points = 10
        raw = min(points, max(0, round(rng.gauss(7.2, 1.8))))
        graded = {"score": raw / points, "success": raw >= 6, "raw": raw, "max": points}
        for verb, minutes, result in (
            (Verb.QUIZ_STARTED, 0, None),
            (Verb.QUIZ_SUBMITTED, rng.randint(4, 15), None),
            (Verb.QUIZ_GRADED, 16, graded),
        ):
            stream.add(
                when + timedelta(minutes=minutes),
                verb,
                object_type="quiz",
                object_id=lesson.quiz,
                actor=user,
                course=course.id,
                result=result,
            )
        return raw >= 6 or rng.random() < 0.5
    elif lesson.kind == Lesson.Kind.ASSIGNMENT and lesson.assignment:
        stream.add(
            when + timedelta(minutes=rng.randint(20, 90)),
            Verb.ASSIGNMENT_SUBMITTED,
            object_type="assignment",
            object_id=lesson.assignment,
            actor=user,
            course=course.id,
        )
    return True


def _social(
    stream: _Stream,
    rng: random.Random,
    user: int,
    course: _Course,
    when: datetime,
    extras: _Extras,
) -> None:
    if course.group and rng.random() < 0.08:
        stream.add(
            when + timedelta(minutes=3),
            Verb.POST_CREATED,
            object_type="post",
            actor=user,
            context={"group": course.group},
        )
    if extras.rooms and rng.random() < 0.15:
        stream.add(
            when + timedelta(minutes=4),
            Verb.MESSAGE_SENT,
            object_type="message",
            actor=user,
            context={"room": rng.choice(extras.rooms)},
        )
    if extras.mentors and rng.random() < 0.04:
        mentor = rng.choice(extras.mentors)
        if (
            stream.add(
                when + timedelta(minutes=5),
                Verb.SESSION_BOOKED,
                object_type="mentorsession",
                actor=user,
                context={"mentor": mentor},
            )
            and rng.random() < 0.8
        ):
            stream.add(
                when + timedelta(days=rng.randint(2, 6)),
                Verb.SESSION_ATTENDED,
                object_type="mentorsession",
                actor=user,
                context={"mentor": mentor},
            )


def _pay(stream: _Stream, rng: random.Random, user: int, course: _Course, when: datetime) -> None:
    amount = {"amount": f"{course.price:.2f}", "currency": course.currency}
    if not stream.add(
        when, Verb.PAYMENT_SUCCEEDED, object_type="order", actor=user, course=course.id,
        result=amount,
    ):  # fmt: skip
        return
    if rng.random() < 0.08:
        stream.add(
            when + timedelta(days=rng.randint(1, 6)),
            Verb.REFUNDED,
            object_type="order",
            actor=user,
            course=course.id,
            result=amount,
        )


def _learners(
    stream: _Stream,
    rng: random.Random,
    days: list[datetime],
    plan: list[_Course],
    people: list[tuple[int, bool]],
    extras: _Extras,
) -> None:
    weights = [c.popularity for c in plan]
    for user, new in people:
        # new accounts sign up in the window, later ones more often (growth); the demo
        # learners come back in its first weeks
        first = int(len(days) * (math.sqrt(rng.random()) if new else rng.random() * 0.6))
        start = _moment(rng, days[min(first, len(days) - 1)])
        if new:
            stream.add(start, Verb.SIGNED_UP, object_type="user", object_id=user, actor=user)
        chosen: list[_Course] = []
        for _ in range(rng.choice((1, 2, 2, 3))):
            course = rng.choices(plan, weights)[0]
            if course not in chosen:
                chosen.append(course)
        when = start
        for course in chosen:
            when += timedelta(days=rng.randint(0, 12), minutes=rng.randint(1, 50))
            if when > stream.now:
                break
            stream.add(when, Verb.CATALOGUE_VIEWED, object_type="catalogue", actor=user)
            looked = when + timedelta(minutes=1)
            stream.add(
                looked,
                Verb.COURSE_VIEWED,
                object_type="course",
                object_id=course.id,
                actor=user,
                course=course.id,
            )
            if rng.random() < 0.25:  # looked, did not enroll (yet)
                continue
            enrolled = looked + timedelta(minutes=rng.randint(1, 20))
            paid = course.price > 0
            if not stream.add(
                enrolled,
                Verb.ENROLLED,
                object_type="course",
                object_id=course.id,
                actor=user,
                course=course.id,
                context={"source": "paid" if paid else "free"},
            ):
                break
            if paid:
                _pay(stream, rng, user, course, enrolled - timedelta(seconds=30))
            _learn(stream, rng, user, course, enrolled, extras)


def demo_events(
    *, now: datetime, plan: list[_Course], people: list[tuple[int, bool]], extras: _Extras
) -> list[Event]:
    """The demo events for ``plan`` and ``people`` ((user id, signs up in the window))."""
    rng = random.Random(SEED)
    stream = _Stream(now=now)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=DAYS - 1 - n) for n in range(DAYS)]
    if plan:
        _visitors(stream, rng, days, plan)
        _learners(stream, rng, days, plan, people, extras)
    return stream.events


def seed_analytics_events(
    *, courses: dict[str, Course], learners: list[User], student: User | None
) -> int:
    """Replace the demo events; returns how many there are."""
    plan = _courses(courses)
    known = [u.pk for u in learners] + ([student.pk] if student is not None else [])
    people = [(pk, False) for pk in known] + [(u.pk, True) for u in _audience()]
    extras = _Extras(
        mentors=list(MentorProfile.objects.order_by("pk").values_list("user_id", flat=True)[:8]),
        rooms=list(
            Room.objects.filter(kind=Room.Kind.CHANNEL)
            .order_by("pk")
            .values_list("pk", flat=True)[:6]
        ),
    )
    events = demo_events(now=timezone.now(), plan=plan, people=people, extras=extras)
    with transaction.atomic():
        Event.objects.filter(**{f"context__{MARK}": True}).delete()
        Event.objects.bulk_create(events, batch_size=BATCH)
    return len(events)
