"""The gradebook's totals against hand-computed values: weights, drop lowest, extra credit,
overrides, letters and the pass mark, released and held marks, missing work."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from assessments.models import CourseGrade, GradebookSettings, GradeChange, GradeEntry
from assessments.services.gradebook import course_grades_refresh, grades_due_sweep
from assessments.services.gradebook_admin import grade_override, scale_parse
from assessments.tests.factories import (
    GradeCategoryFactory,
    GradeEntryFactory,
    GradeItemFactory,
    QuizFactory,
)
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import NotFound, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


def _item(course, points, category=None, **kwargs):
    return GradeItemFactory(
        quiz=QuizFactory(lesson__module__course=course, lesson__course=course),
        max_points=Decimal(points),
        category=category,
        **kwargs,
    )


def _grade(course, student) -> CourseGrade:
    course_grades_refresh(course_id=course.pk, student_id=student.pk)
    return CourseGrade.objects.get(course=course, student=student)


@pytest.fixture
def book():
    """Quizzes (weight 40, drop the lowest) and assignments (weight 60) with an extra-credit
    item; marks: Q1 5/10, Q2 9/10, Q3 16/20; A1 40/50, A2 30/50 (held), X 5/10."""
    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[mentor])
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    quizzes = GradeCategoryFactory(course=course, name="Quizzes", weight=40, drop_lowest=1)
    work = GradeCategoryFactory(course=course, name="Assignments", weight=60)
    items = {
        "q1": _item(course, 10, quizzes),
        "q2": _item(course, 10, quizzes),
        "q3": _item(course, 20, quizzes),
        "a1": _item(course, 50, work),
        "a2": _item(course, 50, work),
        "x": _item(course, 10, work, extra_credit=True),
    }
    marks = {"q1": 5, "q2": 9, "q3": 16, "a1": 40, "a2": 30, "x": 5}
    for key, points in marks.items():
        GradeEntryFactory(
            item=items[key], student=student, points=Decimal(points), released=key != "a2"
        )
    return {"course": course, "student": student, "mentor": mentor, "items": items}


def test_course_grade_weights_drops_and_extra_credit(book):
    grade = _grade(book["course"], book["student"])
    # mentors: quizzes drop Q1 (50%): 25/30 = 83.333%; assignments (40+30+5)/100 = 75%
    # 0.4 x 83.333 + 0.6 x 75 = 78.33
    assert grade.percent == Decimal("78.33")
    assert grade.letter == "C"
    assert grade.passed is True
    # the student: A2 is held, so assignments are (40+5)/50 = 90%: 33.333 + 54 = 87.33
    assert grade.released_percent == Decimal("87.33")
    assert grade.released_letter == "B"
    assert grade.released_passed is True
    assert grade.missing == 0


def test_course_grade_without_weights_is_points_over_possible(book):
    book["course"].grade_categories.update(weight=0)
    grade = _grade(book["course"], book["student"])
    # drops still apply: quizzes 25/30, assignments 75/100 (extra credit adds no maximum)
    assert grade.percent == Decimal("76.92")  # 100 x 100 / 130


def test_override_counts_and_moves_the_dropped_item(book):
    entry = grade_override(
        user=book["mentor"],
        item=book["items"]["q1"],
        student_id=book["student"].pk,
        points=Decimal(10),
        reason="Marked the wrong paper.",
    )
    grade = CourseGrade.objects.get(course=book["course"], student=book["student"])
    # Q1 is 100% now, Q3 (80%) is dropped: quizzes 19/20 = 95%; 38 + 0.6 x 90 = 92
    assert grade.released_percent == Decimal("92.00")
    assert grade.released_letter == "A"
    change = GradeChange.objects.get(entry=entry)
    assert (change.old_score, change.new_score) == (Decimal(5), Decimal(10))
    assert change.changed_by == book["mentor"]
    assert change.reason == "Marked the wrong paper."


def test_override_clearing_returns_to_the_mark_and_is_audited(book):
    item, student = book["items"]["q1"], book["student"]
    grade_override(
        user=book["mentor"], item=item, student_id=student.pk, points=Decimal(10), reason="Typo."
    )
    grade_override(
        user=book["mentor"],
        item=item,
        student_id=student.pk,
        points=None,
        reason="Back to the quiz's mark.",
    )
    entry = GradeEntry.objects.get(item=item, student=student)
    assert entry.override_points is None
    assert list(entry.grade_changes.values_list("old_score", "new_score")) == [
        (Decimal(5), Decimal(10)),
        (Decimal(10), Decimal(5)),
    ]
    assert _grade(book["course"], student).released_percent == Decimal("87.33")


def test_override_needs_a_reason_a_range_an_editor_and_a_learner(book):
    item, student = book["items"]["q1"], book["student"]
    with pytest.raises(ValidationError) as reason:
        grade_override(
            user=book["mentor"], item=item, student_id=student.pk, points=Decimal(3), reason=" "
        )
    assert "reason" in reason.value.errors
    with pytest.raises(ValidationError):
        grade_override(
            user=book["mentor"],
            item=item,
            student_id=student.pk,
            points=Decimal(11),
            reason="Too many.",
        )
    with pytest.raises(PermissionDenied):
        grade_override(
            user=UserFactory(roles=("Mentor",)),
            item=item,
            student_id=student.pk,
            points=Decimal(3),
            reason="Not mine.",
        )
    with pytest.raises(NotFound):
        grade_override(
            user=book["mentor"],
            item=item,
            student_id=UserFactory().pk,
            points=Decimal(3),
            reason="Not enrolled.",
        )


@pytest.mark.parametrize(
    ("points", "letter", "passed"),
    [
        ("90.00", "A", True),
        ("89.99", "B", True),
        ("80.00", "B", True),
        ("70.00", "C", True),
        ("60.00", "D", True),
        ("59.99", "F", False),
        ("0.00", "F", False),
    ],
)
def test_letter_boundaries_and_pass_mark(points, letter, passed):
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    GradeEntryFactory(item=_item(course, 100), student=student, points=Decimal(points))
    grade = _grade(course, student)
    assert (grade.percent, grade.letter, grade.passed) == (Decimal(points), letter, passed)


def test_scale_and_pass_mark_per_course():
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    GradebookSettings.objects.create(
        course=course, pass_percent=Decimal(75), scale=scale_parse("Pass 75\nFail 0")
    )
    GradeEntryFactory(item=_item(course, 100), student=student, points=Decimal("74.50"))
    grade = _grade(course, student)
    assert (grade.letter, grade.passed) == ("Fail", False)


def test_scale_parse_reports_lines():
    with pytest.raises(ValidationError) as bad:
        scale_parse("A 90\nB 95\nC\nF 10")
    assert len(bad.value.errors["scale"]) == 2  # line 2 goes up; line 3 has no percent
    with pytest.raises(ValidationError):
        scale_parse("A 90\nF 10")  # the last letter must start at 0


def test_missing_work_counts_as_zero_only_after_its_due_date():
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    done = _item(course, 10)
    later = _item(course, 10, due_at=timezone.now() + timedelta(days=1))
    past = _item(course, 10, due_at=timezone.now() - timedelta(days=1))
    GradeEntryFactory(item=done, student=student, points=Decimal(8))
    grade = _grade(course, student)
    # the past one counts as 0, the later one not at all: 8 / 20
    assert (grade.percent, grade.missing) == (Decimal("40.00"), 1)
    # handed in but not marked: not missing, not counted
    GradeEntryFactory(item=past, student=student, points=None, submitted=True)
    assert _grade(course, student).percent == Decimal("80.00")
    assert later.entries.count() == 0


def test_due_sweep_recounts_the_course_when_an_item_falls_due():
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    GradeEntryFactory(item=_item(course, 10), student=student, points=Decimal(10))
    due = _item(course, 10, due_at=timezone.now() + timedelta(hours=1))
    assert _grade(course, student).percent == Decimal("100.00")
    assert grades_due_sweep(now=timezone.now()) == 0
    assert grades_due_sweep(now=timezone.now() + timedelta(hours=2)) == 1
    assert CourseGrade.objects.get(course=course, student=student).percent == Decimal("50.00")
    due.refresh_from_db()
    assert due.due_counted is True
    assert grades_due_sweep(now=timezone.now() + timedelta(hours=3)) == 0


def test_held_marks_do_not_count_for_the_student_nor_as_missing():
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    GradeEntryFactory(item=_item(course, 10), student=student, points=Decimal(10))
    past = _item(course, 10, due_at=timezone.now() - timedelta(days=1))
    GradeEntryFactory(item=past, student=student, points=Decimal(2), released=False)
    grade = _grade(course, student)
    assert grade.percent == Decimal("60.00")  # mentors: (10 + 2) / 20
    assert grade.released_percent == Decimal("100.00")  # the student: 10 / 10


def test_drop_lowest_keeps_at_least_one_item():
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    category = GradeCategoryFactory(course=course, weight=100, drop_lowest=3)
    GradeEntryFactory(item=_item(course, 10, category), student=student, points=Decimal(4))
    GradeEntryFactory(item=_item(course, 10, category), student=student, points=Decimal(6))
    assert _grade(course, student).percent == Decimal("60.00")


def test_whole_course_refresh_is_one_statement(django_assert_num_queries):
    course = CourseFactory()
    item = _item(course, 10)
    for points in range(30):
        student = UserFactory()
        EnrollmentFactory(user=student, course=course)
        GradeEntryFactory(item=item, student=student, points=Decimal(points % 11))
    with django_assert_num_queries(2):  # the settings, then the one upsert
        course_grades_refresh(course_id=course.pk)
    assert CourseGrade.objects.filter(course=course).count() == 30
    assert CourseGrade.objects.filter(course=course, percent=Decimal(100)).count() == 2
