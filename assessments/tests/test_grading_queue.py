"""The grading queue on the site and in the API: quiz answers and assignment work, filtered by
course, quiz or assignment, status (waiting, graded) and late; bounded queries; previous and
next on the submission grading page (with j/k); the mentor's home counts both kinds."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from assessments import selectors
from assessments.models import Submission
from assessments.services import assignments as assignment_services
from assessments.services import attempts as attempt_services
from assessments.tests.factories import QuizFactory, QuizSlotFactory
from courses.models import Lesson
from courses.tests.factories import LessonFactory
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mentor, django_capture_on_commit_callbacks):
    """Two courses of the mentor: the first with an essay quiz and an assignment, the second
    with an assignment only; one late piece of work."""

    def build(students: int = 2) -> dict:
        quiz = QuizFactory(lesson__module__course__instructors=[mentor], lesson__title="Essays")
        QuizSlotFactory(quiz=quiz, question__kind="essay", question__raw={}, question__points=5)
        first = quiz.course
        essay = _assignment(mentor, first, "Report")
        other = _assignment(mentor, None, "Poster")
        for n in range(students):
            student = UserFactory(name=f"Student {n}")
            for course in (first, other.course):
                EnrollmentFactory(user=student, course=course)
            attempt = attempt_services.attempt_start(quiz=quiz, user=student)
            attempt_services.attempt_answers_save(
                attempt_id=attempt.pk, user=student, responses={0: f"Answer {n}."}
            )
            with django_capture_on_commit_callbacks(execute=True):
                attempt_services.attempt_submit(attempt_id=attempt.pk, user=student)
            for assignment in (essay, other):
                assignment_services.submission_create(
                    user=student, assignment=assignment, text=f"Work {n}."
                )
        late = Submission.objects.filter(assignment=other).order_by("id").first()
        Submission.objects.filter(pk=late.pk).update(days_late=2)
        return {"quiz": quiz, "essay": essay, "other": other, "late": late}

    return build


def _assignment(mentor, course, title):
    extra = {"module__course": course} if course else {"module__course__instructors": [mentor]}
    lesson = LessonFactory(kind=Lesson.Kind.ASSIGNMENT, title=title, **extra)
    return assignment_services.assignment_ensure(user=mentor, lesson=lesson)


def _queue(client, **query) -> str:
    return client.get(reverse("assessments:teach_grading"), query).content.decode()


def _listed(html: str) -> set[str]:
    """What the queue's tables list: "work <lesson title>" and "answer" rows."""
    rows = set()
    for submission in Submission.objects.select_related("assignment__lesson"):
        if reverse("assessments:teach_submission", args=[submission.pk]) + '"' in html:
            rows.add(f"work {submission.assignment.lesson.title}")
    if 'href="/quizzes/teach/grading/' in html:
        rows.add("answer")
    return rows


def test_the_site_queue_filters_by_course_item_status_and_late(client, mentor, world):
    w = world()
    client.force_login(mentor)
    everything = _queue(client)
    assert _listed(everything) == {"work Report", "work Poster", "answer"}
    # Every course with work is in the course filter, also one with assignments only.
    assert f'<option value="{w["other"].course_id}"' in everything
    assert f'<option value="{w["essay"].lesson_id}"' in everything  # the item filter

    assert _listed(_queue(client, course=w["other"].course_id)) == {"work Poster"}
    assert _listed(_queue(client, item=w["quiz"].lesson_id)) == {"answer"}
    assert _listed(_queue(client, item=w["essay"].lesson_id)) == {"work Report"}
    late = _queue(client, late="yes")
    assert _listed(late) == {"work Poster"} and "Quiz answers are never late." in late
    assert "2 days late" in late  # says what the number is
    assert reverse("assessments:teach_submission", args=[w["late"].pk]) in late
    on_time = _queue(client, late="no")
    assert reverse("assessments:teach_submission", args=[w["late"].pk]) not in on_time
    assert _listed(on_time) == {"work Report", "work Poster", "answer"}

    # Marked work leaves "waiting" and shows under "graded".
    submission = Submission.objects.filter(assignment=w["essay"]).first()
    assignment_services.submission_grade(grader=mentor, submission=submission, score=Decimal(50))
    link = reverse("assessments:teach_submission", args=[submission.pk])
    assert link not in _queue(client)
    assert link in _queue(client, status="graded")


def test_the_site_queue_pages_keep_their_filters(client, mentor):
    assignment = _assignment(mentor, None, "Many")
    for n in range(26):
        student = UserFactory()
        EnrollmentFactory(user=student, course=assignment.course)
        assignment_services.submission_create(user=student, assignment=assignment, text=f"{n}")
    client.force_login(mentor)
    html = _queue(client, course=assignment.course_id, late="no")
    assert f'href="?course={assignment.course_id}&amp;late=no&amp;spage=2"' in html
    second = _queue(client, course=assignment.course_id, late="no", spage=2)
    assert (
        "2 / 2" in second
        and f'href="?course={assignment.course_id}&amp;late=no&amp;spage=1"' in second
    )


def test_the_site_queue_runs_bounded_queries(client, mentor, world, django_assert_max_num_queries):
    world(students=2)
    client.force_login(mentor)
    with django_assert_max_num_queries(20) as small:
        _queue(client)
    world(students=8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = _queue(client)
    assert html.count("Question 1") >= 10


def test_the_submission_page_goes_to_the_previous_and_next_work(client, mentor, world):
    w = world(students=3)
    client.force_login(mentor)
    first, second, third = Submission.objects.filter(assignment=w["essay"]).order_by(
        "submitted_at", "id"
    )
    url = lambda s: reverse("assessments:teach_submission", args=[s.pk])  # noqa: E731
    html = client.get(url(second)).content.decode()
    assert f'href="{url(first)}" rel="prev" aria-keyshortcuts="k"' in html
    assert f'href="{url(third)}" rel="next" aria-keyshortcuts="j"' in html
    assert f'data-next="{url(third)}"' in html and "js/grading.js" in html
    assert "Keys: j next, k previous, Ctrl+Enter save." in html
    ends = client.get(url(first)).content.decode(), client.get(url(third)).content.decode()
    assert 'rel="prev"' not in ends[0] and 'rel="next"' not in ends[1]


def test_the_mentors_home_counts_answers_and_assignment_work(mentor, world):
    world(students=2)
    # two essay answers, four pieces of assignment work
    assert selectors.grading_waiting_count(user=mentor) == 6


def test_the_api_queue_with_its_filters(mentor, world):
    w = world(students=2)
    api = APIClient()
    api.force_authenticate(mentor)
    answers = api.get("/api/v1/grading/answers/").json()
    assert answers["count"] == 2
    row = answers["results"][0]
    assert row["lesson"] == {"id": w["quiz"].lesson_id, "title": "Essays"}
    assert row["course"]["slug"] == w["quiz"].course.slug and row["state"] == "needs_grading"
    assert set(row["student"]) == {"id", "name", "email"}
    work = api.get("/api/v1/grading/submissions/").json()
    assert work["count"] == 4
    assert {r["lesson"]["title"] for r in work["results"]} == {"Report", "Poster"}
    by_course = api.get("/api/v1/grading/submissions/", {"course": w["other"].course.slug})
    assert {r["lesson"]["title"] for r in by_course.json()["results"]} == {"Poster"}
    by_lesson = api.get("/api/v1/grading/submissions/", {"lesson": w["essay"].lesson_id})
    assert by_lesson.json()["count"] == 2
    late = api.get("/api/v1/grading/submissions/", {"late": "true"}).json()
    assert [r["id"] for r in late["results"]] == [w["late"].pk]
    assert api.get("/api/v1/grading/answers/", {"late": "true"}).json()["count"] == 0
    assert api.get("/api/v1/grading/submissions/", {"late": "false"}).json()["count"] == 3
    assert api.get("/api/v1/grading/submissions/", {"status": "graded"}).json()["count"] == 0
    for bad in ({"status": "done"}, {"late": "maybe"}, {"lesson": "x"}):
        refused = api.get("/api/v1/grading/submissions/", bad)
        assert refused.status_code == 400 and set(refused.json()["errors"]) == set(bad)


def test_the_api_queue_is_the_viewers_own(mentor, world, student):
    world(students=1)
    api = APIClient()
    api.force_authenticate(UserFactory(roles=("Mentor",)))
    assert api.get("/api/v1/grading/submissions/").json()["count"] == 0
    api.force_authenticate(student)
    assert api.get("/api/v1/grading/answers/").status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/grading/answers/", "/api/v1/grading/submissions/"])
def test_the_api_queue_runs_bounded_queries(mentor, world, path, django_assert_max_num_queries):
    api = APIClient()
    api.force_authenticate(mentor)
    world(students=2)
    with django_assert_max_num_queries(10) as small:
        api.get(path)
    world(students=8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(path).json()["count"] >= 10


def test_the_site_queue_ignores_filter_values_it_cannot_read(client, mentor):
    client.force_login(mentor)
    for value in ("²", "99999999999999999999", "-1", "x"):
        page = client.get(reverse("assessments:teach_grading"), {"course": value, "item": value})
        assert page.status_code == 200, value
