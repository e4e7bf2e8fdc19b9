"""The gradebook's maintained tables: items in step with quizzes and assignments, learners'
entries from their attempts and submissions, and course totals, each written by one SQL
statement (``assessments.gradebook_sql``; the rules of what counts are described there).

Nothing here loops over learners: one learner or the whole course is the same statement.
This module queues no Celery work (the tasks import it); ``gradebook_admin`` does.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from enrollments.selectors import course_students_query

from .. import gradebook_sql
from ..models import (
    Assignment,
    Attempt,
    CourseGrade,
    GradebookSettings,
    GradeEntry,
    GradeItem,
    Quiz,
)
from ..selectors import quiz_size
from ..signals import course_grade_changed


def distribution_cache_key(course_id: int) -> str:
    return f"assessments:grade-distribution:{course_id}"


def settings_for(*, course_id: int) -> GradebookSettings:
    """The course's settings, or the defaults (unsaved) when it has none yet."""
    found = GradebookSettings.objects.filter(course_id=course_id).first()
    return found or GradebookSettings(course_id=course_id)


def scale_steps(settings_row: GradebookSettings) -> list[tuple[str, Decimal]]:
    return [(str(s["letter"]), Decimal(str(s["min"]))) for s in settings_row.scale]


def _position(lesson: Any) -> int:
    return int(lesson.module.order) * 1000 + int(lesson.order)


def _quiz_released(quiz: Quiz, now: datetime) -> bool:
    """A quiz's marks are released when its students may see their score (review options)."""
    if quiz.review_score == Quiz.Review.IMMEDIATELY:
        return True
    closes = quiz.closes_at
    return quiz.review_score == Quiz.Review.AFTER_CLOSE and closes is not None and closes <= now


def _item_fields(item: GradeItem, *, max_points: Decimal, due_at: Any, position: int) -> None:
    """Keep an item's copy of its source's facts; a due date moved later is swept again."""
    changed = []
    for name, value in (("max_points", max_points), ("due_at", due_at), ("position", position)):
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed.append(name)
    if "due_at" in changed:
        item.due_counted = False
        changed.append("due_counted")
    if changed and item.pk:
        item.save(update_fields=changed)


def grade_item_for_quiz(*, quiz: Quiz) -> GradeItem:
    item = GradeItem.objects.filter(quiz=quiz).first() or GradeItem(
        course_id=quiz.course_id, quiz=quiz
    )
    _size, points = quiz_size(quiz=quiz)
    lesson = quiz.lesson
    _item_fields(item, max_points=points, due_at=quiz.closes_at, position=_position(lesson))
    if item.pk is None:
        item.full_clean(exclude=["course", "quiz", "category"])
        item.save()
    return item


def grade_item_for_assignment(*, assignment: Assignment) -> GradeItem:
    item = GradeItem.objects.filter(assignment=assignment).first() or GradeItem(
        course_id=assignment.course_id, assignment=assignment
    )
    lesson = assignment.lesson
    _item_fields(
        item, max_points=assignment.points, due_at=assignment.due_at, position=_position(lesson)
    )
    if item.pk is None:
        item.full_clean(exclude=["course", "assignment", "category"])
        item.save()
    return item


def _run(sql: gradebook_sql.SQL) -> None:
    text, params = sql
    with connection.cursor() as cursor:
        cursor.execute(text, params)


def entries_sync(*, item: GradeItem, student_id: int | None = None) -> None:
    """Write the item's entries from their source (one learner, or all): one statement."""
    now = timezone.now()
    if item.quiz_id:
        quiz = item.quiz
        assert quiz is not None
        _run(
            gradebook_sql.entries_sql_quiz(
                item=item,
                quiz_id=quiz.pk,
                method=quiz.grading_method,
                released=_quiz_released(quiz, now),
                now=now,
                student_id=student_id,
            )
        )
    else:
        assert item.assignment_id is not None
        _run(
            gradebook_sql.entries_sql_assignment(
                item=item, assignment_id=item.assignment_id, now=now, student_id=student_id
            )
        )


def _learners_sql(course_id: int, student_id: int | None) -> gradebook_sql.SQL:
    query = course_students_query(course_id=course_id, user_id=student_id).query
    sql, params = query.sql_with_params()
    return sql, list(params)


def course_grades_refresh(
    *, course_id: int, student_id: int | None = None, now: datetime | None = None
) -> None:
    """Recompute the course totals of one learner, or of every learner of the course, in one
    statement; listeners hear of it once the transaction commits."""
    settings_row = settings_for(course_id=course_id)
    _run(
        gradebook_sql.course_grades_sql(
            course_id=course_id,
            learners=_learners_sql(course_id, student_id),
            now=now or timezone.now(),
            pass_percent=settings_row.pass_percent,
            scale=scale_steps(settings_row),
        )
    )

    def after() -> None:
        cache.delete(distribution_cache_key(course_id))
        course_grade_changed.send(sender=CourseGrade, course_id=course_id, student_id=student_id)

    transaction.on_commit(after)


@transaction.atomic
def course_grades_recompute(*, course_id: int, item_id: int | None = None) -> None:
    """The item's entries (when named) and every total of the course."""
    if item_id is not None:
        item = GradeItem.objects.select_related("quiz").filter(pk=item_id).first()
        if item is not None:
            entries_sync(item=item)
    course_grades_refresh(course_id=course_id)


def breakdown(*, course_id: int, student_id: int, released_only: bool) -> dict[str, Any]:
    """One learner's category subtotals {category_id: (earned, possible)} and the ids of the
    items that count in them (the others are dropped or not counted): one query."""
    text, params = gradebook_sql.breakdown_sql(
        course_id=course_id,
        learners=_learners_sql(course_id, student_id),
        now=timezone.now(),
        face=1 if released_only else 0,
    )
    categories: dict[int | None, tuple[Decimal, Decimal]] = {}
    counted: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        for kind, category_id, item_id, earned, possible in cursor.fetchall():
            if kind == "c":
                categories[category_id] = (Decimal(str(earned)), Decimal(str(possible)))
            else:
                counted.add(int(item_id))
    return {"categories": categories, "counted": counted}


@transaction.atomic
def learner_item_changed(*, item: GradeItem, student_id: int) -> None:
    """A learner's mark for one item changed at its source: their entry, then their total."""
    entries_sync(item=item, student_id=student_id)
    course_grades_refresh(course_id=item.course_id, student_id=student_id)


def quiz_grade_changed(*, attempt_id: int) -> None:
    attempt = Attempt.objects.select_related("quiz__lesson__module").filter(pk=attempt_id).first()
    if attempt is None or attempt.is_preview:
        return
    item = grade_item_for_quiz(quiz=attempt.quiz)
    learner_item_changed(item=item, student_id=attempt.student_id)


def assignment_grade_changed(*, assignment: Assignment, student_id: int) -> None:
    item = grade_item_for_assignment(assignment=assignment)
    learner_item_changed(item=item, student_id=student_id)


def course_rebuild(*, course_id: int) -> int:
    """Every item of the course from its quizzes and assignments, all entries, all totals
    (after an import, or for data made before the gradebook). Loops over items, not
    learners. Returns the number of items."""
    quizzes = Quiz.objects.filter(course_id=course_id).select_related("lesson__module")
    assignments = Assignment.objects.filter(course_id=course_id).select_related("lesson__module")
    items = [grade_item_for_quiz(quiz=q) for q in quizzes]
    items += [grade_item_for_assignment(assignment=a) for a in assignments]
    with transaction.atomic():
        for item in items:
            entries_sync(item=item)
        course_grades_refresh(course_id=course_id)
    return len(items)


def grades_due_sweep(*, now: datetime | None = None) -> int:
    """Recount the courses whose items (or learners' extensions) fell due since the last sweep:
    missing work now counts as 0, and quizzes whose scores show after closing are released.
    Loops over the items that fell due, not learners. Returns the courses recounted."""
    now = now or timezone.now()
    items = list(
        GradeItem.objects.filter(due_counted=False, due_at__lte=now).select_related("quiz")
    )
    entries = GradeEntry.objects.filter(due_counted=False, due_at__lte=now)
    course_ids = {item.course_id for item in items}
    course_ids |= set(entries.values_list("item__course_id", flat=True).distinct())
    with transaction.atomic():
        for item in items:
            if item.quiz_id:
                entries_sync(item=item)
        for course_id in sorted(course_ids):
            course_grades_refresh(course_id=course_id, now=now)
        GradeItem.objects.filter(pk__in=[i.pk for i in items]).update(due_counted=True)
        entries.update(due_counted=True)
    return len(course_ids)


def extension_due_set(*, item: GradeItem, student_id: int, due_at: datetime) -> None:
    """A learner's own due date for the item (an extension): their missing work waits."""
    GradeEntry.objects.update_or_create(
        item=item,
        student_id=student_id,
        defaults={"due_at": due_at, "due_counted": False},
        create_defaults={"due_at": due_at, "updated_at": timezone.now()},
    )
    course_grades_refresh(course_id=item.course_id, student_id=student_id)
