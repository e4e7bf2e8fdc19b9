"""Rollup correctness on known data: each table's figures, re-running a day, WAU/MAU."""

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from activity.tracking import ObjectRef, track
from activity.verbs import Verb as V
from analytics.models import (
    CourseCompletion,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    PersonDay,
    RevenueDay,
    SiteDay,
)
from analytics.services.rollups import rollup_day, rollup_range
from analytics.tests.rollups_helpers import days_ago, ev, store
from courses.tests.factories import LessonFactory
from kalpla.exceptions import ValidationError

pytestmark = pytest.mark.django_db

DAY = days_ago(3)


def _known_day():
    """Two learners in course 1, one in course 2, an anonymous visitor, money in two currencies."""
    store(
        ev(V.SIGNED_UP, DAY, actor=1, obj=("user", 1)),
        ev(V.CATALOGUE_VIEWED, DAY, anonymous="v1", obj=("catalogue", None)),
        ev(V.CATALOGUE_VIEWED, DAY, actor=1, obj=("catalogue", None)),
        ev(V.CATALOGUE_VIEWED, DAY, actor=1, obj=("catalogue", None)),
        ev(V.COURSE_VIEWED, DAY, actor=1, course=1),
        ev(V.ENROLLED, DAY, actor=1, course=1),
        ev(V.ENROLLED, DAY, actor=2, course=1),
        ev(V.ENROLLED, DAY, actor=3, course=2),
        ev(
            V.PAYMENT_SUCCEEDED,
            DAY,
            actor=1,
            obj=("order", 9),
            result={"amount": "12.50", "currency": "INR"},
        ),
        ev(
            V.PAYMENT_SUCCEEDED,
            DAY,
            actor=2,
            obj=("order", 10),
            result={"amount": "7.50", "currency": "INR"},
        ),
        ev(
            V.PAYMENT_SUCCEEDED,
            DAY,
            actor=3,
            obj=("order", 11),
            result={"amount": "10.00", "currency": "USD"},
        ),
        ev(
            V.REFUNDED,
            DAY,
            actor=2,
            obj=("order", 10),
            result={"amount": "7.50", "currency": "INR"},
        ),
        ev(V.LESSON_VIEWED, DAY, actor=1, course=1, obj=("lesson", 11)),
        ev(V.LESSON_VIEWED, DAY, actor=1, course=1, obj=("lesson", 11)),
        ev(V.LESSON_VIEWED, DAY, actor=2, course=1, obj=("lesson", 11)),
        ev(V.LESSON_COMPLETED, DAY, actor=1, course=1, obj=("lesson", 11)),
        ev(V.LESSON_COMPLETED, DAY, actor=2, course=1, obj=("lesson", 11)),
        ev(V.LESSON_COMPLETED, DAY, actor=1, course=1, obj=("lesson", 12)),
        ev(
            V.VIDEO_PROGRESS,
            DAY,
            actor=1,
            course=1,
            obj=("lesson", 11),
            result={"progress": 0.25, "duration": 60},
        ),
        ev(
            V.VIDEO_PROGRESS,
            DAY,
            actor=1,
            course=1,
            obj=("lesson", 11),
            result={"progress": 0.5, "duration": 90.4},
        ),
        ev(
            V.VIDEO_PROGRESS,
            DAY,
            actor=2,
            course=1,
            obj=("lesson", 11),
            result={"progress": 0.25, "duration": "junk"},
        ),
        ev(V.QUIZ_SUBMITTED, DAY, actor=1, course=1, obj=("quiz", 5)),
        ev(V.QUIZ_SUBMITTED, DAY, actor=2, course=1, obj=("quiz", 5)),
        ev(
            V.QUIZ_GRADED,
            DAY,
            actor=1,
            course=1,
            obj=("quiz", 5),
            result={"score": 0.8, "success": True, "raw": 8, "max": 10},
        ),
        ev(
            V.QUIZ_GRADED,
            DAY,
            actor=2,
            course=1,
            obj=("quiz", 5),
            result={"score": 0.4, "success": False, "raw": 4, "max": 10},
        ),
        ev(V.COURSE_RATED, DAY, actor=1, course=1, result={"raw": 5, "score": 1.0}),
        ev(V.COURSE_RATED, DAY, actor=2, course=1, result={"raw": 3, "score": 0.6}),
        ev(V.COURSE_RATED, DAY, actor=3, course=2, result={"raw": 9}),  # out of range: skipped
        ev(
            V.COURSE_COMPLETED,
            DAY,
            actor=1,
            course=1,
            result={"completion": True, "duration": 3600},
        ),
        # the day before and after do not count
        ev(V.ENROLLED, DAY - timedelta(days=1), actor=4, course=1, hour=23),
        ev(V.ENROLLED, DAY + timedelta(days=1), actor=5, course=1, hour=0),
    )


def test_rollup_day_site_figures():
    _known_day()
    report = rollup_day(day=DAY)
    assert report.events == 29
    site = SiteDay.objects.get(day=DAY)
    assert (site.dau, site.wau, site.mau) == (3, 3, 3)
    assert (site.signups, site.enrollments, site.completions) == (1, 3, 1)


def test_rollup_day_revenue_per_currency():
    _known_day()
    rollup_day(day=DAY)
    rows = {r.currency: r for r in RevenueDay.objects.filter(day=DAY)}
    assert set(rows) == {"INR", "USD"}
    assert (rows["INR"].payments, rows["INR"].revenue) == (2, Decimal("20.00"))
    assert (rows["INR"].refunds, rows["INR"].refunded) == (1, Decimal("7.50"))
    assert (rows["USD"].payments, rows["USD"].revenue, rows["USD"].refunds) == (
        1,
        Decimal("10.00"),
        0,
    )


def test_rollup_day_funnel_people():
    _known_day()
    rollup_day(day=DAY)
    people = {p.person: p for p in PersonDay.objects.filter(day=DAY)}
    assert set(people) == {"u:1", "u:2", "u:3", "a:v1"}
    assert people["a:v1"].catalogue and people["a:v1"].user_id is None
    assert (
        people["u:1"].catalogue,
        people["u:1"].course_page,
        people["u:1"].enrolled,
        people["u:1"].paid,
    ) == (True, True, True, True)
    assert (people["u:2"].catalogue, people["u:2"].enrolled, people["u:2"].paid) == (
        False,
        True,
        True,
    )


def test_rollup_day_course_figures():
    _known_day()
    rollup_day(day=DAY)
    c1 = CourseDay.objects.get(course_id=1, day=DAY)
    assert (c1.enrollments, c1.active_learners, c1.completions, c1.lesson_views) == (2, 2, 1, 3)
    assert c1.watch_seconds == 150  # 60 + 90.4 rounded; the junk duration is skipped
    assert (c1.quiz_submissions, c1.quiz_graded) == (2, 2)
    assert c1.quiz_score_sum == pytest.approx(1.2)
    assert (c1.ratings, c1.rating_sum) == (2, 8)
    c2 = CourseDay.objects.get(course_id=2, day=DAY)
    assert (c2.enrollments, c2.active_learners, c2.ratings) == (1, 1, 0)
    assert set(CourseLearnerDay.objects.filter(day=DAY).values_list("course_id", "user_id")) == {
        (1, 1),
        (1, 2),
        (2, 3),
    }
    lessons = {
        r.lesson_id: (r.views, r.completions) for r in CourseLessonDay.objects.filter(day=DAY)
    }
    assert lessons == {11: (3, 2), 12: (0, 1)}
    assert list(
        CourseCompletion.objects.values_list("course_id", "user_id", "duration_seconds")
    ) == [(1, 1, 3600)]


def test_rollup_day_rerun_does_not_double_count():
    _known_day()
    rollup_day(day=DAY)
    first = list(CourseDay.objects.values_list("course_id", "enrollments", "lesson_views"))
    rollup_day(day=DAY)
    rollup_day(day=DAY)
    assert list(CourseDay.objects.values_list("course_id", "enrollments", "lesson_views")) == first
    assert SiteDay.objects.count() == 1
    assert PersonDay.objects.filter(day=DAY).count() == 4
    assert CourseCompletion.objects.count() == 1
    assert RevenueDay.objects.get(day=DAY, currency="INR").revenue == Decimal("20.00")


def test_rollup_day_rerun_picks_up_late_events():
    _known_day()
    rollup_day(day=DAY)
    store(ev(V.ENROLLED, DAY, actor=7, course=1, hour=23))
    rollup_day(day=DAY)
    assert CourseDay.objects.get(course_id=1, day=DAY).enrollments == 3
    assert SiteDay.objects.get(day=DAY).enrollments == 4


def test_rollup_wau_and_mau_count_distinct_people_over_the_window():
    # user 1 every day for 10 days, user 2 only 8 days before the last, user 3 40 days before
    last = days_ago(1)
    store(*[ev(V.LOGGED_IN, last - timedelta(days=n), actor=1, obj=("user", 1)) for n in range(10)])
    store(ev(V.LOGGED_IN, last - timedelta(days=8), actor=2, obj=("user", 2)))
    store(ev(V.LOGGED_IN, last - timedelta(days=40), actor=3, obj=("user", 3)))
    rollup_range(start=last - timedelta(days=40), end=last)
    site = SiteDay.objects.get(day=last)
    assert (site.dau, site.wau, site.mau) == (1, 1, 2)
    assert SiteDay.objects.get(day=last - timedelta(days=8)).dau == 2


def test_rollup_empty_day_writes_zero_row():
    rollup_day(day=DAY)
    site = SiteDay.objects.get(day=DAY)
    assert (site.dau, site.signups) == (0, 0)
    assert not CourseDay.objects.exists()


def test_rollup_refuses_future_days_and_bad_ranges():
    with pytest.raises(ValidationError):
        rollup_day(day=days_ago(-1))
    with pytest.raises(ValidationError) as info:
        rollup_range(start=DAY, end=DAY - timedelta(days=1))
    assert "end" in info.value.errors
    with pytest.raises(ValidationError):
        rollup_range(start=DAY - timedelta(days=1000), end=DAY)


def test_rollup_reads_events_reported_through_track(django_capture_on_commit_callbacks):
    user = UserFactory()
    lesson = LessonFactory()
    course_id = lesson.module.course_id
    with django_capture_on_commit_callbacks(execute=True):
        track(actor=user, verb=V.LESSON_VIEWED, object=lesson)
        track(
            actor=user,
            verb=V.QUIZ_SUBMITTED,
            object=ObjectRef("quiz", 3),
            context={"course": course_id},
        )
    rollup_day(day=days_ago(0))
    row = CourseDay.objects.get(course_id=course_id)
    assert (row.lesson_views, row.quiz_submissions, row.active_learners) == (1, 1, 1)
