"""The dashboards' figures from the rollups: periods, comparison, funnel, drop-off, median,
completion rate, exact distinct learners over a range, caching and query bounds."""

from datetime import timedelta

import pytest

from activity.verbs import Verb as V
from analytics.selectors.rollups import (
    Period,
    analytics_course_get,
    analytics_course_list,
    course_figures_in_bulk,
    course_lesson_dropoff,
    course_overview,
    delta_percent,
    funnel_rows,
    median_seconds,
    period_make,
    platform_overview,
)
from analytics.services.rollups import rollup_range
from analytics.tests.rollups_helpers import days_ago, ev, store
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from kalpla.exceptions import PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


# --- periods and comparison ----------------------------------------------------------------


def test_period_make_presets_and_previous_period():
    p = period_make(days=7)
    assert (p.end, p.days) == (days_ago(0), 7)
    prev = p.previous()
    assert (prev.start, prev.end) == (days_ago(13), days_ago(7))
    default = period_make()
    assert (default.start, default.end) == (days_ago(29), days_ago(0))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": days_ago(1), "end": days_ago(3)}, "from"),
        ({"start": days_ago(3), "end": days_ago(-1)}, "to"),
        ({"start": days_ago(500), "end": days_ago(0)}, "from"),
        ({"days": 12}, "days"),
    ],
)
def test_period_make_refuses_bad_ranges_naming_the_field(kwargs, field):
    with pytest.raises(ValidationError) as info:
        period_make(**kwargs)
    assert field in info.value.errors


def test_delta_percent():
    assert delta_percent(150, 100) == 50.0
    assert delta_percent(75, 100) == -25.0
    assert delta_percent(5, 0) is None
    assert delta_percent(None, 3) is None


def test_funnel_rows_math():
    rows = funnel_rows({"catalogue": 200, "course_page": 50, "enrolled": 10, "paid": 4})
    assert [r["people"] for r in rows] == [200, 50, 10, 4]
    assert [r["of_previous"] for r in rows] == [None, 0.25, 0.2, 0.4]
    assert [r["of_first"] for r in rows] == [1.0, 0.25, 0.05, 0.02]
    assert funnel_rows({})[1]["of_first"] is None


# --- platform ------------------------------------------------------------------------------


def test_platform_overview_counts_distinct_people_over_the_range_and_compares(staff):
    d1, d2, old = days_ago(2), days_ago(1), days_ago(9)
    store(
        # user 1 on two days is one active user; the anonymous visitor is in the funnel only
        ev(V.CATALOGUE_VIEWED, d1, actor=1, obj=("catalogue", None)),
        ev(V.CATALOGUE_VIEWED, d2, actor=1, obj=("catalogue", None)),
        ev(V.CATALOGUE_VIEWED, d2, anonymous="v9", obj=("catalogue", None)),
        ev(V.COURSE_VIEWED, d2, actor=1, course=1),
        ev(V.ENROLLED, d2, actor=1, course=1),
        ev(V.ENROLLED, d2, actor=2, course=1),
        ev(
            V.PAYMENT_SUCCEEDED,
            d2,
            actor=1,
            obj=("order", 1),
            result={"amount": "30.00", "currency": "INR"},
        ),
        ev(V.SIGNED_UP, old, actor=2, obj=("user", 2)),
        ev(V.ENROLLED, old, actor=3, course=1),
        ev(
            V.PAYMENT_SUCCEEDED,
            old,
            actor=3,
            obj=("order", 2),
            result={"amount": "20.00", "currency": "INR"},
        ),
    )
    rollup_range(start=old, end=days_ago(0))
    data = platform_overview(user=staff, period=period_make(days=7))
    head = {h["key"]: h for h in data["headline"]}
    # before: users 2 (signed up) and 3 (enrolled, paid)
    assert (head["active_users"]["value"], head["active_users"]["previous"]) == (2, 2)
    assert head["active_users"]["delta"] == 0.0
    assert head["enrollments"]["delta"] == 100.0
    assert (head["enrollments"]["value"], head["enrollments"]["previous"]) == (2, 1)
    assert (head["signups"]["value"], head["signups"]["previous"]) == (0, 1)
    assert head["signups"]["delta"] == -100.0
    assert [r["people"] for r in data["funnel"]] == [2, 1, 2, 1]
    (inr,) = data["revenue"]
    assert (inr["currency"], inr["revenue"], inr["net"], inr["previous_net"]) == (
        "INR",
        "30.00",
        "30.00",
        "20.00",
    )
    assert inr["delta"] == 50.0
    assert len(data["daily"]) == 7 and data["daily"][-2]["enrollments"] == 2
    assert data["daily"][0]["enrollments"] == 0  # days without a rollup row are zeros


def test_platform_overview_is_staff_only(mentor):
    with pytest.raises(PermissionDenied):
        platform_overview(user=mentor, period=period_make())


def test_platform_overview_is_cached_until_a_day_is_rewritten(staff, django_assert_num_queries):
    day = days_ago(1)
    store(ev(V.ENROLLED, day, actor=1, course=1))
    rollup_range(start=day, end=day)
    period = period_make(days=7)
    first = platform_overview(user=staff, period=period)
    with django_assert_num_queries(0):
        assert platform_overview(user=staff, period=period) == first
    store(ev(V.ENROLLED, day, actor=2, course=1))
    rollup_range(start=day, end=day)
    head = {h["key"]: h for h in platform_overview(user=staff, period=period)["headline"]}
    assert head["enrollments"]["value"] == 2


# --- courses -------------------------------------------------------------------------------


def test_course_overview_rates_averages_and_exact_active_learners(mentor):
    course = CourseFactory(instructors=[mentor])
    c, d1, d2 = course.pk, days_ago(3), days_ago(2)
    store(
        *[ev(V.ENROLLED, d1, actor=u, course=c) for u in (1, 2, 3, 4)],
        ev(V.LESSON_VIEWED, d2, actor=1, course=c, obj=("lesson", 1)),
        ev(V.LESSON_VIEWED, d2, actor=2, course=c, obj=("lesson", 1)),
        ev(V.COURSE_COMPLETED, d2, actor=1, course=c, result={"duration": 100}),
        ev(V.QUIZ_GRADED, d1, actor=1, course=c, obj=("quiz", 1), result={"score": 1.0}),
        ev(V.QUIZ_GRADED, d2, actor=2, course=c, obj=("quiz", 1), result={"score": 0.5}),
        ev(V.COURSE_RATED, d2, actor=1, course=c, result={"raw": 4}),
        ev(V.COURSE_RATED, d2, actor=2, course=c, result={"raw": 5}),
        ev(V.VIDEO_PROGRESS, d2, actor=2, course=c, obj=("lesson", 1), result={"duration": 30}),
    )
    rollup_range(start=d1, end=d2)
    data = course_overview(course=course, period=period_make(start=d1, end=d2))
    head = {h["key"]: h["value"] for h in data["headline"]}
    # learners 1 and 2 were active on both days: 4 people, not 4 + 2
    assert head["active_learners"] == 4
    assert (head["enrollments"], head["completions"], head["completion_rate"]) == (4, 1, 0.25)
    assert (head["average_score"], head["average_rating"]) == (0.75, 4.5)
    assert (head["watch_seconds"], head["lesson_views"], head["median_seconds"]) == (30, 2, 100)
    assert [d["active_learners"] for d in data["daily"]] == [4, 2]


def test_median_seconds_odd_even_and_empty():
    day = days_ago(1)
    period = Period(day, day)
    assert median_seconds(course_id=5, period=period) is None
    store(
        *[
            ev(V.COURSE_COMPLETED, day, actor=u, course=5, result={"duration": s})
            for u, s in ((1, 300), (2, 100), (3, 200))
        ]
    )
    store(ev(V.COURSE_COMPLETED, day, actor=9, course=5))  # no duration: left out
    rollup_range(start=day, end=day)
    assert median_seconds(course_id=5, period=period) == 200
    store(ev(V.COURSE_COMPLETED, day, actor=4, course=5, result={"duration": 1000}))
    rollup_range(start=day, end=day)
    assert median_seconds(course_id=5, period=period) == 250


def test_course_lesson_dropoff_in_outline_order():
    course = CourseFactory()
    m1 = ModuleFactory(course=course, order=1)
    m2 = ModuleFactory(course=course, order=2)
    # created out of order: the outline's order decides
    l3 = LessonFactory(module=m2, order=1, title="Three")
    l1 = LessonFactory(module=m1, order=1, title="One")
    l2 = LessonFactory(module=m1, order=2, title="Two")
    day = days_ago(1)
    done = {l1.pk: 10, l2.pk: 6, l3.pk: 3}
    store(
        *[
            ev(V.LESSON_COMPLETED, day, actor=u, course=course.pk, obj=("lesson", lesson))
            for lesson, n in done.items()
            for u in range(n)
        ]
    )
    rollup_range(start=day, end=day)
    rows = course_lesson_dropoff(course=course, period=Period(day, day))
    assert [r["title"] for r in rows] == ["One", "Two", "Three"]
    assert [r["completed"] for r in rows] == [10, 6, 3]
    assert [r["of_first"] for r in rows] == [1.0, 0.6, 0.3]
    assert [r["drop_from_previous"] for r in rows] == [None, 4, 3]


def test_course_access_rules(mentor, other_mentor, staff):
    from accounts.tests.factories import UserFactory

    mine = CourseFactory(instructors=[mentor])
    theirs = CourseFactory(instructors=[other_mentor])
    assert list(analytics_course_list(user=mentor)) == [mine]
    assert set(analytics_course_list(user=staff)) == {mine, theirs}
    assert analytics_course_get(user=mentor, slug=mine.slug) == mine
    with pytest.raises(PermissionDenied):
        analytics_course_get(user=mentor, slug=theirs.slug)
    with pytest.raises(PermissionDenied):
        analytics_course_list(user=UserFactory())


def test_course_figures_in_bulk_queries_do_not_grow_with_courses(django_assert_num_queries):
    day = days_ago(1)
    store(*[ev(V.ENROLLED, day, actor=u, course=c) for c in range(1, 30) for u in range(3)])
    rollup_range(start=day, end=day)
    with django_assert_num_queries(2):
        figures = course_figures_in_bulk(course_ids=range(1, 31), period=Period(day, day))
    assert figures[1]["enrollments"] == 3 and figures[30]["enrollments"] == 0


def test_course_overview_queries_do_not_grow_with_data(django_assert_max_num_queries):
    course = CourseFactory()
    start = days_ago(60)
    store(
        *[
            ev(
                V.LESSON_VIEWED,
                start + timedelta(days=n),
                actor=u,
                course=course.pk,
                obj=("lesson", 1),
            )
            for n in range(60)
            for u in range(20)
        ]
    )
    rollup_range(start=start, end=days_ago(1))
    with django_assert_max_num_queries(12):
        data = course_overview(course=course, period=period_make(days=90))
    assert {h["key"]: h["value"] for h in data["headline"]}["active_learners"] == 20
