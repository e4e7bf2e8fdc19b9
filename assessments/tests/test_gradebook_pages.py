"""The gradebook's pages and API: what each role sees, sort and filter, the streamed CSV, the
same query count at two course sizes, and the marks flowing in from quizzes and
assignments (grading method, release)."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from assessments.models import Attempt, CourseGrade, GradeEntry, GradeItem
from assessments.services import assignments as assignment_services
from assessments.services.gradebook import course_grades_refresh, quiz_grade_changed
from assessments.tests.factories import (
    GradeItemFactory,
    QuizFactory,
    QuizSlotFactory,
)
from courses.models import Lesson
from courses.tests.factories import CourseFactory, LessonFactory
from enrollments.models import Enrollment
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def _course_with(n_learners: int, n_items: int = 4):
    """A course with ``n_learners`` learners x ``n_items`` items, every mark released; the
    learners' marks are i % 11 points out of 10 (their index ``i``). Bulk-made."""
    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[mentor])
    items = [
        GradeItemFactory(quiz=QuizFactory(lesson__module__course=course, lesson__course=course))
        for _ in range(n_items)
    ]
    if n_learners > 50:
        tag = course.slug
        User = get_user_model()
        users = User.objects.bulk_create(
            [
                User(email=f"{tag}-{i:05d}@example.com", name=f"Learner {i:05d}")
                for i in range(n_learners)
            ]
        )
    else:
        users = UserFactory.create_batch(n_learners)
    Enrollment.objects.bulk_create([Enrollment(user=u, course=course) for u in users])
    now = timezone.now()
    GradeEntry.objects.bulk_create(
        [
            GradeEntry(
                item=item,
                student=u,
                points=Decimal(i % 11),
                submitted=True,
                released=True,
                updated_at=now,
            )
            for i, u in enumerate(users)
            for item in items
        ]
    )
    course_grades_refresh(course_id=course.pk)
    return course, mentor, users, items


def _queries_for(client, url, mentor) -> int:
    client.force_login(mentor)
    client.get(url)  # warm: the session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["assessments:gradebook", "api:course-gradebook", "api:me-grades"]
)
def test_gradebook_same_queries_at_500_and_5000_learners(
    client, django_assert_num_queries, url_name
):
    small, small_mentor, small_users, _i = _course_with(500)
    large, large_mentor, large_users, _i2 = _course_with(5000)
    mine = url_name == "api:me-grades"
    viewer_small = small_users[0] if mine else small_mentor
    viewer_large = large_users[0] if mine else large_mentor
    query = "" if mine else "?ordering=-total"
    few = _queries_for(client, reverse(url_name, args=[small.slug]) + query, viewer_small)
    assert few <= 16
    client.force_login(viewer_large)
    url = reverse(url_name, args=[large.slug]) + query
    client.get(url)
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200


def test_gradebook_page_sorts_filters_and_marks_held(client):
    course, mentor, users, items = _course_with(12, n_items=2)
    GradeEntry.objects.filter(item=items[0], student=users[3]).update(released=False)
    client.force_login(mentor)
    url = reverse("assessments:gradebook", args=[course.slug])
    page = client.get(url, {"ordering": "-total"}).content.decode()
    # learner 10 has 10/10 everywhere: first by total
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert users[10].email in first_row
    assert "gradebook__held" in page
    failing = client.get(url, {"status": "failing"}).content.decode()
    # 0..5 of 10 are below 60%: learners 0-5 and 11 (11 % 11 == 0)
    assert failing.count('class="gradebook__email"') == 7
    search = client.get(url, {"search": users[4].email}).content.decode()
    assert search.count('class="gradebook__email"') == 1
    by_item = client.get(url, {"ordering": f"item:{items[1].pk}"}).content.decode()
    assert by_item.index(users[0].email) < by_item.index(users[1].email)
    bad = client.get(url, {"ordering": "price"})
    assert bad.status_code == 200  # a bad sort is a message, not an error page


def test_gradebook_csv_is_streamed_with_every_learner(client):
    course, mentor, users, _items = _course_with(7, n_items=2)
    client.force_login(mentor)
    response = client.get(reverse("assessments:gradebook_export", args=[course.slug]))
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 8
    assert rows[0][0] == "Name"
    mine = next(r for r in rows if r[1] == users[5].email)
    assert mine[2:5] == ["5.00", "5.00", "50.00"]


def test_other_mentor_and_students_are_refused(client):
    course, _mentor, users, _items = _course_with(3, n_items=1)
    client.force_login(UserFactory(roles=("Mentor",)))
    assert client.get(reverse("assessments:gradebook", args=[course.slug])).status_code == 403
    assert client.get(reverse("api:course-gradebook", args=[course.slug])).status_code == 403
    client.force_login(users[0])
    assert client.get(reverse("api:course-gradebook", args=[course.slug])).status_code == 403
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(reverse("api:me-grades", args=[course.slug])).status_code == 404
    assert client.get(reverse("assessments:my_grades", args=[course.slug])).status_code == 404


def test_my_grades_show_only_my_released_marks_and_an_anonymous_chart(client):
    course, _mentor, users, items = _course_with(8, n_items=2)
    me = users[7]
    GradeEntry.objects.filter(item=items[1], student=me).update(released=False)
    course_grades_refresh(course_id=course.pk, student_id=me.pk)
    client.force_login(me)
    body = client.get(reverse("api:me-grades", args=[course.slug])).json()
    assert body["percent"] == "70.00"  # only the released 7/10 counts
    assert [i["points"] for i in body["items"]] == ["7.00", None]
    assert [i["held"] for i in body["items"]] == [False, True]
    assert sum(body["distribution"]) == 8
    page = client.get(reverse("assessments:my_grades", args=[course.slug])).content.decode()
    assert "<svg" in page and "bar--you" in page
    for other in users[:7]:
        assert other.email not in page and (other.name or "@@") not in page


def test_override_from_the_page(client):
    course, mentor, users, items = _course_with(2, n_items=1)
    client.force_login(mentor)
    url = reverse("assessments:gradebook_override", args=[course.slug])
    response = client.post(
        url, {"item": items[0].pk, "student": users[0].pk, "points": "9", "reason": "Re-marked."}
    )
    assert response.status_code == 302
    assert CourseGrade.objects.get(course=course, student=users[0]).percent == Decimal(90)
    form = client.get(
        reverse("assessments:gradebook", args=[course.slug]),
        {"cell": f"{users[0].pk}-{items[0].pk}"},
    )
    assert 'id="override"' in form.content.decode()


def test_settings_page_saves_categories_and_scale(client, django_capture_on_commit_callbacks):
    course, mentor, users, items = _course_with(2, n_items=1)
    client.force_login(mentor)
    url = reverse("assessments:gradebook_settings", args=[course.slug])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "category", "name": "Quizzes", "weight": "100", "drop_lowest": 0})
    category = course.grade_categories.get()
    client.post(url, {"action": "item", "item": items[0].pk, "category": category.pk})
    with django_capture_on_commit_callbacks(execute=True):  # the recount runs after commit
        client.post(url, {"action": "settings", "pass_percent": "1", "scale": "P 1\nF 0"})
    grade = CourseGrade.objects.get(course=course, student=users[1])
    assert (grade.percent, grade.letter, grade.passed) == (Decimal(10), "P", True)
    bad = client.post(url, {"action": "settings", "pass_percent": "50", "scale": "A 50\nB 60"})
    assert bad.status_code == 400


def _quiz_attempts(course, student, scores, method):
    quiz = QuizFactory(
        lesson=LessonFactory(module__course=course, course=course, kind=Lesson.Kind.QUIZ),
        grading_method=method,
    )
    QuizSlotFactory(quiz=quiz, question__points=Decimal(4))  # the quiz is out of 4
    for number, score in enumerate(scores, start=1):
        Attempt.objects.create(
            quiz=quiz,
            student=student,
            number=number,
            seed="x",
            started_at=timezone.now(),
            state=Attempt.State.GRADED,
            score=Decimal(score),
            max_score=Decimal(4),
        )
    return quiz, Attempt.objects.filter(quiz=quiz).last()


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "4.00"), ("last", "3.00"), ("first", "1.00"), ("average", "2.67")],
)
def test_quiz_entries_follow_the_grading_method(method, expected):
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    quiz, last = _quiz_attempts(course, student, [1, 4, 3], method)
    quiz_grade_changed(attempt_id=last.pk)
    assert GradeItem.objects.get(quiz=quiz).max_points == Decimal(4)
    entry = GradeEntry.objects.get(item__quiz=quiz, student=student)
    assert (entry.points, entry.released, entry.submitted) == (Decimal(expected), True, True)


def test_quiz_scores_shown_after_closing_are_held_until_then():
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    quiz, last = _quiz_attempts(course, student, [2], "highest")
    quiz.review_score = "after_close"
    quiz.closes_at = timezone.now() + timezone.timedelta(days=1)
    quiz.save()
    quiz_grade_changed(attempt_id=last.pk)
    assert GradeEntry.objects.get(item__quiz=quiz).released is False


def test_assignment_marks_are_held_until_released(django_capture_on_commit_callbacks):
    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[mentor])
    lesson = LessonFactory(module__course=course, course=course, kind="assignment")
    assignment = assignment_services.assignment_ensure(user=mentor, lesson=lesson)
    assignment_services.assignment_update(user=mentor, assignment=assignment, points=Decimal(20))
    students = UserFactory.create_batch(3)
    for s in students:
        EnrollmentFactory(user=s, course=course)
    works = [
        assignment_services.submission_create(user=s, assignment=assignment, text="Mine.")
        for s in students
    ]
    for work, score in zip(works, (10, 15, 20), strict=True):
        assignment_services.submission_grade(grader=mentor, submission=work, score=Decimal(score))
    item = GradeItem.objects.get(assignment=assignment)
    grade = CourseGrade.objects.get(course=course, student=students[0])
    assert (grade.percent, grade.released_percent) == (Decimal(50), None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        released = assignment_services.grades_release(user=mentor, assignment=assignment)
    assert released == 3
    assert item.entries.filter(released=True).count() == 3
    grade.refresh_from_db()
    assert grade.released_percent == Decimal(50)
    assert len(callbacks) >= 2  # the notices' chunk and the course's recount
    assert students[0].notifications.filter(kind="assessments.grade_released").count() == 1


def test_release_notices_are_sent_by_celery_in_chunks(
    django_capture_on_commit_callbacks, monkeypatch
):
    from assessments.services import assignments as module
    from assessments.tasks import grade_released_notify_task

    monkeypatch.setattr(module, "NOTICE_CHUNK", 2)
    sent: list[list[int]] = []
    monkeypatch.setattr(
        grade_released_notify_task, "delay", lambda submission_ids: sent.append(submission_ids)
    )
    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[mentor])
    lesson = LessonFactory(module__course=course, course=course, kind="assignment")
    assignment = assignment_services.assignment_ensure(user=mentor, lesson=lesson)
    students = UserFactory.create_batch(5)
    for s in students:
        EnrollmentFactory(user=s, course=course)
        work = assignment_services.submission_create(user=s, assignment=assignment, text="x")
        assignment_services.submission_grade(grader=mentor, submission=work, score=Decimal(50))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assignment_services.grades_release(user=mentor, assignment=assignment)
    assert sent == []  # nothing is sent inside the request's transaction
    for callback in callbacks:
        callback()
    assert [len(chunk) for chunk in sent] == [2, 2, 1]
