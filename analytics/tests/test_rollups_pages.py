"""The dashboards' pages: who sees what, the range picker's errors, tables, CSV, queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from activity.verbs import Verb as V
from analytics.services.rollups import rollup_range
from analytics.tests.rollups_helpers import days_ago, ev, store
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(mentor):
    course = CourseFactory(instructors=[mentor], title="Data =cleaning")
    module = ModuleFactory(course=course)
    lessons = [LessonFactory(module=module, order=n, title=f"L{n}") for n in range(3)]
    day = days_ago(1)
    store(
        *[ev(V.ENROLLED, day, actor=u, course=course.pk) for u in range(1, 6)],
        *[
            ev(V.LESSON_COMPLETED, day, actor=u, course=course.pk, obj=("lesson", lesson.pk))
            for n, lesson in enumerate(lessons)
            for u in range(1, 6 - 2 * n)
        ],
    )
    rollup_range(start=day, end=day)
    return course


def test_platform_dashboard_for_staff(client, staff, course):
    client.force_login(staff)
    response = client.get(reverse("analytics:dashboard"), {"days": 7})
    assert response.status_code == 200
    html = response.content.decode()
    assert "chart-active" in html and 'scope="col"' in html and "<caption>" in html
    assert "vendor/uplot/uPlot.iife.min.js" in html


@pytest.mark.parametrize("who", ["mentor", "student"])
def test_platform_dashboard_refuses_others(client, mentor, who):
    client.force_login(mentor if who == "mentor" else UserFactory())
    assert client.get(reverse("analytics:dashboard")).status_code == 403


def test_course_dashboard_for_its_mentor(client, mentor, course):
    client.force_login(mentor)
    response = client.get(reverse("analytics:course", args=[course.slug]))
    assert response.status_code == 200
    tables = response.context["tables"]
    assert [r["completed"] for r in tables["lessons"].rows] == [5, 3, 1]
    head = {h["key"]: h["value"] for h in response.context["data"]["headline"]}
    assert head["enrollments"] == 5


def test_mentor_cannot_read_another_mentors_course(client, other_mentor, course):
    client.force_login(other_mentor)
    assert client.get(reverse("analytics:course", args=[course.slug])).status_code == 403
    listing = client.get(reverse("analytics:courses"))
    assert listing.status_code == 200
    assert course.title not in listing.content.decode()


def test_course_list_shows_own_courses_with_figures(client, mentor, course):
    client.force_login(mentor)
    response = client.get(reverse("analytics:courses"))
    assert response.status_code == 200
    (row,) = response.context["tables"]["courses"].rows
    assert (row["title"], row["enrollments"]) == (course.title, 5)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": days_ago(1).isoformat(), "to": days_ago(5).isoformat()}, "from"),
        ({"to": days_ago(-3).isoformat()}, "to"),
        ({"days": "12"}, "days"),
    ],
)
def test_bad_range_shows_the_form_with_errors(client, staff, query, field):
    client.force_login(staff)
    response = client.get(reverse("analytics:dashboard"), query)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "data" not in response.context


def test_tables_sort_and_page(client, mentor, course):
    client.force_login(mentor)
    url = reverse("analytics:course", args=[course.slug])
    response = client.get(url, {"lessons_sort": "-completed", "daily_page": "99"})
    lessons = response.context["tables"]["lessons"]
    assert [r["completed"] for r in lessons.rows] == [5, 3, 1]
    assert 'aria-sort="descending"' in response.content.decode()
    # an unknown column falls back to the default sort, never an error
    response = client.get(url, {"lessons_sort": "nonsense"})
    assert [r["position"] for r in response.context["tables"]["lessons"].rows] == [1, 2, 3]


def test_csv_export_streams_a_whole_table_formula_safe(client, staff, course):
    client.force_login(staff)
    response = client.get(reverse("analytics:courses"), {"format": "csv", "table": "courses"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="courses-courses.csv"'
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Course,Enrollments,Active learners")
    assert lines[1].startswith("'=cleaning") or lines[1].startswith("Data =cleaning,5")
    lessons = client.get(
        reverse("analytics:course", args=[course.slug]), {"format": "csv", "table": "lessons"}
    )
    body = b"".join(lessons.streaming_content).decode().splitlines()
    assert (
        body[0]
        == "#,Module,Lesson,Views,Completed,Of the first lesson,Lost since the lesson before"
    )
    assert [line.split(",")[4] for line in body[1:]] == ["5", "3", "1"]
    assert (
        client.get(reverse("analytics:courses"), {"format": "csv", "table": "nope"}).status_code
        == 404
    )


def test_csv_safe_prefixes_formulas():
    from analytics.tables_rollups import csv_safe

    assert csv_safe("=SUM(A1)") == "'=SUM(A1)"
    assert csv_safe("@cmd") == "'@cmd"
    assert csv_safe("Data") == "Data"
    assert csv_safe(-3) == -3


def test_course_dashboard_queries_do_not_grow_with_data(client, mentor, course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(mentor)
    url = reverse("analytics:course", args=[course.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"days": 90}).status_code == 200
        return len(ctx)

    client.get(url, {"days": 7})  # the session's own first-request reads, out of the count
    few = queries()
    # 60 more days of activity by 30 learners; the rewrite retires the cached figures
    start = days_ago(61)
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
            for u in range(30)
        ]
    )
    rollup_range(start=start, end=days_ago(1))
    assert queries() == few <= 25
