"""The demo learning events: idempotent, believable (a funnel, drop-off along the outline)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from activity.verbs import Verb
from analytics.models import Event
from assessments.tests.factories import QuizFactory
from courses.models import Lesson
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from dashboards.demo_analytics_events import (
    DAYS,
    _courses,
    _Extras,
    demo_events,
    seed_analytics_events,
)

pytestmark = pytest.mark.django_db


def _course(slug: str, price: str = "0.00"):
    course = CourseFactory(slug=slug, price=price, currency="INR")
    first, second = ModuleFactory(course=course, order=1), ModuleFactory(course=course, order=2)
    lessons = [
        LessonFactory(module=first, order=1, kind=Lesson.Kind.VIDEO, duration=240),
        LessonFactory(module=first, order=2, kind=Lesson.Kind.TEXT),
        LessonFactory(module=second, order=1, kind=Lesson.Kind.VIDEO, duration=600),
    ]
    quiz = QuizFactory(lesson=LessonFactory(module=second, order=2, kind=Lesson.Kind.QUIZ))
    return course, [*(lesson.pk for lesson in lessons), quiz.lesson_id], quiz


@pytest.fixture
def demo():
    free, free_lessons, quiz = _course("demo-free")
    paid, paid_lessons, paid_quiz = _course("demo-paid", price="1499.00")
    learners = UserFactory.create_batch(3)
    return {
        "courses": {"demo-free": free, "demo-paid": paid},
        "learners": learners,
        "student": UserFactory(),
        "outlines": {free.pk: free_lessons, paid.pk: paid_lessons},
        "quizzes": {free.pk: quiz.pk, paid.pk: paid_quiz.pk},
    }


def _seed(demo) -> int:
    return seed_analytics_events(
        courses=demo["courses"], learners=demo["learners"], student=demo["student"]
    )


def _people(verb: str) -> set[str]:
    return {
        f"u{a}" if a else f"a{anon}"
        for a, anon in Event.objects.filter(verb=verb).values_list("actor_id", "anonymous_id")
    }


def test_seed_twice_gives_the_same_events_and_keeps_real_ones(demo, django_assert_max_num_queries):
    # given a real event reported by a service
    real = Event.objects.create(
        occurred_at=timezone.now(), verb=Verb.LOGGED_IN, object_type="user", object_id=1
    )
    # when the demo events are seeded twice
    first = _seed(demo)
    rows = sorted(Event.objects.values_list("event_id", "verb", "object_id", "course_id"))
    with django_assert_max_num_queries(40):  # bulk: a handful of queries for thousands of rows
        again = _seed(demo)
    # then the second run replaces the first's rows with the same ones, and the real one stays
    assert first == again > 2000
    assert Event.objects.count() == first + 1
    assert sorted(Event.objects.values_list("event_id", "verb", "object_id", "course_id")) == rows
    assert Event.objects.filter(pk=real.pk).exists()


def test_demo_events_are_dated_within_the_window_and_never_in_the_future(demo):
    _seed(demo)
    now = timezone.now()
    oldest = Event.objects.order_by("occurred_at").first().occurred_at
    newest = Event.objects.order_by("-occurred_at").first().occurred_at
    assert newest <= now
    assert (now - oldest).days <= DAYS
    # every day of the window has activity
    days = {d.date() for d in Event.objects.values_list("occurred_at", flat=True)}
    assert len(days) >= DAYS - 1


def test_the_funnel_narrows_from_catalogue_to_payment(demo):
    _seed(demo)
    catalogue = _people(Verb.CATALOGUE_VIEWED)
    course = _people(Verb.COURSE_VIEWED)
    enrolled = _people(Verb.ENROLLED)
    paid = _people(Verb.PAYMENT_SUCCEEDED)
    assert len(catalogue) > len(course) > len(enrolled) > len(paid) > 0
    assert paid <= enrolled <= course <= catalogue


def test_completions_drop_off_along_each_outline_once_per_learner(demo):
    _seed(demo)
    for course_id, outline in demo["outlines"].items():
        completed = Counter(
            Event.objects.filter(verb=Verb.LESSON_COMPLETED, course_id=course_id).values_list(
                "object_id", flat=True
            )
        )
        counts = [completed[lesson] for lesson in outline]
        # first completions only, in outline order: never more on a later lesson
        assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
        pairs = Event.objects.filter(verb=Verb.LESSON_COMPLETED, course_id=course_id).values_list(
            "actor_id", "object_id"
        )
        assert len(pairs) == len(set(pairs))
        assert set(completed) <= set(outline)


def test_results_follow_the_conventions(demo):
    _seed(demo)
    quartiles = Event.objects.filter(verb=Verb.VIDEO_PROGRESS)
    assert {e.result["progress"] for e in quartiles} == {0.25, 0.5, 0.75, 1.0}
    assert all(e.result["duration"] > 0 and e.object_type == "lesson" for e in quartiles)
    graded = list(Event.objects.filter(verb=Verb.QUIZ_GRADED))
    # each course's own quiz, by its real id
    assert graded and {(e.course_id, e.object_type, e.object_id) for e in graded} == {
        (course, "quiz", quiz) for course, quiz in demo["quizzes"].items()
    }
    assert all(
        0 <= e.result["score"] <= 1 and e.result["score"] == e.result["raw"] / e.result["max"]
        for e in graded
    )
    payments = list(Event.objects.filter(verb__in=(Verb.PAYMENT_SUCCEEDED, Verb.REFUNDED)))
    paid_course = demo["courses"]["demo-paid"].pk
    assert {(e.course_id, e.result["amount"], e.result["currency"]) for e in payments} == {
        (paid_course, "1499.00", "INR")
    }
    enrolled = Event.objects.filter(verb=Verb.ENROLLED)
    assert {e.context["source"] for e in enrolled.filter(course_id=paid_course)} == {"paid"}
    assert {e.context["source"] for e in enrolled.exclude(course_id=paid_course)} == {"free"}
    completed = list(Event.objects.filter(verb=Verb.COURSE_COMPLETED))
    assert completed and all(
        e.result["completion"] is True and e.result["duration"] > 0 for e in completed
    )
    rated = list(Event.objects.filter(verb=Verb.COURSE_RATED))
    assert rated and all(e.result["score"] == e.result["raw"] / 5 for e in rated)
    assert Event.objects.filter(verb=Verb.SIGNED_UP).exists()
    assert Event.objects.filter(verb=Verb.LOGGED_IN).exists()


def test_a_learner_never_goes_back_in_time_whatever_the_moment_of_seeding(demo):
    plan = _courses(demo["courses"])
    people = [(u.pk, False) for u in [*demo["learners"], demo["student"]]]
    midnight = timezone.now().replace(hour=0, minute=18)
    # the demo seeded on any day of the week (weekends are quieter), at any time of day
    for now in (midnight + timedelta(days=d, hours=h) for d in range(7) for h in (0, 7, 13, 19)):
        events = demo_events(now=now, plan=plan, people=people, extras=_Extras([], []))
        # each learner's steps through a course are in order, and a completion took time
        steps: dict[tuple[int | None, int | None], list] = {}
        for event in events:
            if event.verb in (Verb.ENROLLED, Verb.LESSON_COMPLETED, Verb.COURSE_COMPLETED):
                steps.setdefault((event.actor_id, event.course_id), []).append(event.occurred_at)
        assert steps and all(times == sorted(times) for times in steps.values()), now
        completed = [e for e in events if e.verb == Verb.COURSE_COMPLETED]
        assert completed and all(e.result["duration"] > 0 for e in completed), now
