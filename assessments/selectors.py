"""Reads of the assessments app.

``attempt_view`` is the one place that turns an attempt into what its viewer may see: the site
templates and the API both render it, so a right answer can only reach a student through the
review options checked here (``policies.review_shows``).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import user_is_mentor, user_is_staff
from enrollments.access import course_is_enrolled
from enrollments.selectors import enrollment_list
from kalpla.exceptions import NotFound, PermissionDenied, ValidationError

from .engine.grading import State
from .engine.presentation import question_public, right_answer
from .models import (
    Assignment,
    Attempt,
    AttemptQuestion,
    Certificate,
    Extension,
    Question,
    QuestionBank,
    QuestionTag,
    Quiz,
    QuizSlot,
    Submission,
    TranscriptState,
)
from .policies import REVIEW_ALL, quiz_can_edit, review_shows


def attempts_overdue_ids(*, limit: int = 500) -> list[int]:
    return list(
        Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lte=timezone.now())
        .order_by("deadline")
        .values_list("pk", flat=True)[:limit]
    )


def quiz_for_lesson(*, lesson_id: int) -> Quiz | None:
    return (
        Quiz.objects.select_related("lesson__module", "lesson__course", "course")
        .filter(lesson_id=lesson_id)
        .first()
    )


def attempt_list(*, quiz: Quiz, user: Any) -> QuerySet[Attempt]:
    return Attempt.objects.filter(quiz=quiz, student=user).order_by("number")


def quiz_size(*, quiz: Quiz) -> tuple[int, Decimal]:
    """(questions an attempt gets, their points: random draws counted at their bank's mean,
    or the mean of the bank's questions with the slot's tag). One query, however many slots:
    each random slot's mean is a subquery of the slots' own query."""
    bank_mean = (
        Question.objects.filter(bank_id=OuterRef("bank_id"))
        .values("bank_id")
        .annotate(mean=Avg("points"))
        .values("mean")
    )
    tag_mean = (
        Question.objects.filter(bank_id=OuterRef("bank_id"), tags=OuterRef("tag_id"))
        .values("bank_id")
        .annotate(mean=Avg("points"))
        .values("mean")
    )
    rows = quiz.slots.annotate(
        question_points=F("question__points"),
        pool_mean=Case(
            When(question__isnull=False, then=Value(None)),
            When(tag__isnull=True, then=Subquery(bank_mean)),
            default=Subquery(tag_mean),
            output_field=DecimalField(max_digits=20, decimal_places=10),
        ),
    ).values_list("question_id", "count", "question_points", "pool_mean")
    count, points = 0, Decimal(0)
    for question_id, drawn, question_points, pool_mean in rows:
        if question_id:
            count += 1
            points += question_points
        else:
            count += drawn
            points += Decimal(pool_mean or 0) * drawn
    return count, points.quantize(Decimal("0.01"))


def quiz_summary(*, quiz: Quiz, user: Any) -> dict[str, Any]:
    """The start page's facts for ``user``: rules, attempts used and left, the grade so far."""
    signed_in = getattr(user, "is_authenticated", False)
    attempts = list(attempt_list(quiz=quiz, user=user)) if signed_in else []
    counted = [a for a in attempts if not a.is_preview]
    count, points = quiz_size(quiz=quiz)
    left = None
    if quiz.attempts_allowed:
        left = max(0, quiz.attempts_allowed - len(counted))
    return {
        "id": quiz.pk,
        "lesson_id": quiz.lesson_id,
        "title": quiz.lesson.title,
        "instructions": quiz.instructions,
        "behaviour": quiz.behaviour,
        "time_limit": quiz.time_limit,
        "opens_at": quiz.opens_at,
        "closes_at": quiz.closes_at,
        "time_zone": quiz.course.time_zone,
        "attempts_allowed": quiz.attempts_allowed,
        "attempts_left": left,
        "grading_method": quiz.grading_method,
        "questions": count,
        "max_score": str(points),
        "pass_percent": str(quiz.pass_percent),
        "grade": _text(quiz_grade(quiz=quiz, user=user)) if signed_in else None,
        "open_attempt_id": next(
            (a.pk for a in attempts if a.state == Attempt.State.IN_PROGRESS), None
        ),
        "attempts": [
            {
                "id": a.pk,
                "number": a.number,
                "state": a.state,
                "state_label": Attempt.State(a.state).label,
                "started_at": a.started_at,
                "submitted_at": a.submitted_at,
                "score": _text(a.score)
                if review_shows(quiz=quiz, attempt=a, now=timezone.now())["score"]
                else None,
            }
            for a in attempts
        ],
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def quiz_grade(*, quiz: Quiz, user: Any) -> Decimal | None:
    """The student's grade for the quiz (points), by the quiz's grading method; None until an
    attempt is graded. One query."""
    graded = Attempt.objects.filter(
        quiz=quiz, student=user, is_preview=False, state=Attempt.State.GRADED
    )
    method = quiz.grading_method
    if method == Quiz.GradingMethod.HIGHEST:
        return graded.aggregate(v=Max("score"))["v"]
    if method == Quiz.GradingMethod.AVERAGE:
        value = graded.aggregate(v=Avg("score"))["v"]
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))
    order = "number" if method == Quiz.GradingMethod.FIRST else "-number"
    return graded.order_by(order).values_list("score", flat=True).first()


def _review_of(aq: AttemptQuestion, shows: dict[str, bool]) -> dict[str, Any]:
    review: dict[str, Any] = {}
    if shows["score"] and aq.score is not None:
        review["score"] = str(aq.score)
    if shows["correctness"] and aq.state:
        review["state"] = aq.state
    if shows["feedback"]:
        review["feedback"] = [*aq.outcome_feedback, *([aq.feedback] if aq.feedback else [])]
        if aq.comment:
            review["comment"] = aq.comment
    if shows["right_answers"]:
        review["right_answer"] = right_answer(kind=aq.kind, data=aq.data)
    return review


def quiz_open_attempt_id(*, quiz: Quiz, user: Any) -> int | None:
    return (
        Attempt.objects.filter(quiz=quiz, student=user, state=Attempt.State.IN_PROGRESS)
        .values_list("pk", flat=True)
        .first()
    )


def checked_of(aq: AttemptQuestion) -> dict[str, Any]:
    """What a check just told the student (see ``_checked``)."""
    return _checked(aq) or {}


def _checked(aq: AttemptQuestion) -> dict[str, Any] | None:
    """Immediate feedback during the attempt: right or wrong and the author's feedback for
    what was tried (never the right answer)."""
    if not aq.tries:
        return None
    return {
        "state": aq.state,
        "tries": aq.tries,
        "finished": aq.locked,
        "feedback": list(aq.outcome_feedback),
        "score": str(aq.score) if aq.locked and aq.score is not None else None,
    }


def attempt_view(*, attempt: Attempt, viewer: Any, now: datetime | None = None) -> dict[str, Any]:
    """Everything a page or an app shows of ``attempt`` to ``viewer``, and nothing more."""
    now = now or timezone.now()
    quiz = attempt.quiz
    editor = quiz_can_edit(user=viewer, course=quiz.course) and viewer.pk != attempt.student_id
    shows = REVIEW_ALL if editor else review_shows(quiz=quiz, attempt=attempt, now=now)
    open_ = attempt.state == Attempt.State.IN_PROGRESS
    questions = []
    for aq in attempt.questions.all():
        item: dict[str, Any] = {
            "position": aq.position,
            "page": aq.page,
            "kind": aq.kind,
            "text": aq.text,
            "points": str(aq.points),
            "response": aq.response,
            **question_public(kind=aq.kind, data=aq.data, seed=f"{attempt.seed}:{aq.position}"),
        }
        if open_:
            item["checked"] = _checked(aq)
        else:
            item["review"] = _review_of(aq, shows)
        questions.append(item)
    pages = max((q["page"] for q in questions), default=0) + 1
    view: dict[str, Any] = {
        "id": attempt.pk,
        "quiz_id": quiz.pk,
        "lesson_id": quiz.lesson_id,
        "number": attempt.number,
        "state": attempt.state,
        "is_preview": attempt.is_preview,
        "behaviour": quiz.behaviour,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "auto_submitted": attempt.auto_submitted,
        "seconds_left": (
            max(0, int((attempt.deadline - now).total_seconds()))
            if open_ and attempt.deadline
            else None
        ),
        "pages": pages,
        "current_page": attempt.current_page,
        "max_score": str(attempt.max_score),
        "score": str(attempt.score) if shows["score"] and attempt.score is not None else None,
        "review": shows if not open_ else None,
        "questions": questions,
    }
    return view


def question_counts(*, attempt: Attempt) -> dict[str, int]:
    """Answered, unanswered and waiting-for-a-mentor counts (the submit confirmation)."""
    rows = list(attempt.questions.values_list("response", "state"))
    return {
        "answered": sum(1 for response, _s in rows if response is not None),
        "unanswered": sum(1 for response, _s in rows if response is None),
        "needs_grading": sum(1 for _r, state in rows if state == State.NEEDS_GRADING),
    }


def _editable(course: Any, user: Any) -> None:
    if not quiz_can_edit(user=user, course=course):
        raise PermissionDenied(_("Only the course's mentors can see its quizzes and questions."))


def bank_list(*, course: Any, user: Any) -> QuerySet[QuestionBank]:
    _editable(course, user)
    return (
        QuestionBank.objects.filter(course=course)
        .annotate(question_count=Count("questions"))
        .order_by("title", "id")
    )


def bank_get_for_editing(*, bank_id: int, user: Any) -> QuestionBank:
    bank = (
        QuestionBank.objects.select_related("course")
        .prefetch_related("course__instructors")
        .annotate(question_count=Count("questions"))
        .filter(pk=bank_id)
        .first()
    )
    if bank is None:
        raise NotFound(_("Not found."))
    _editable(bank.course, user)
    return bank


def bank_questions(*, bank: QuestionBank) -> QuerySet[Question]:
    return bank.questions.prefetch_related("tags").order_by("category", "id")


def questions_for_picking(*, course: Any, limit: int = 500) -> list[Question]:
    """The course's questions, bank by bank, for the quiz editor's "add a question" list."""
    return list(
        Question.objects.filter(bank__course=course)
        .select_related("bank")
        .only("id", "name", "text", "kind", "points", "bank__title")
        .order_by("bank__title", "category", "id")[:limit]
    )


def course_tags(*, course: Any) -> list[str]:
    return sorted(
        set(QuestionTag.objects.filter(bank__course=course).values_list("name", flat=True))
    )


def bank_tag(*, bank: QuestionBank, name: str) -> QuestionTag:
    tag = bank.tags.filter(name=name.strip()).first()
    if tag is None:
        raise ValidationError(_("No question has this tag."), errors={"tag": [_("Unknown tag.")]})
    return tag


def question_get_for_editing(*, question_id: int, user: Any) -> Question:
    question = (
        Question.objects.select_related("bank__course")
        .prefetch_related("tags", "bank__course__instructors")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFound(_("Not found."))
    _editable(question.bank.course, user)
    return question


def quiz_get_for_editing(*, quiz: Quiz, user: Any) -> Quiz:
    _editable(quiz.course, user)
    return quiz


def quiz_slots(*, quiz: Quiz) -> QuerySet[QuizSlot]:
    return quiz.slots.select_related("question", "bank", "tag").order_by("position", "id")


def slot_get_for_editing(*, slot_id: int, user: Any) -> QuizSlot:
    slot = QuizSlot.objects.select_related("quiz__course").filter(pk=slot_id).first()
    if slot is None:
        raise NotFound(_("Not found."))
    _editable(slot.quiz.course, user)
    return slot


def attempt_question_get_for_grading(*, attempt_question_id: int, user: Any) -> AttemptQuestion:
    aq = (
        AttemptQuestion.objects.select_related("attempt__quiz__course")
        .filter(pk=attempt_question_id)
        .first()
    )
    if aq is None:
        raise NotFound(_("Not found."))
    _editable(aq.attempt.quiz.course, user)
    return aq


@dataclass(frozen=True)
class GradingFilters:
    """The grading queue's filters (site and API): a course (by id or slug), one quiz or
    assignment (its lesson), waiting or already graded, late or on time. Quiz answers are
    never late (the server refuses them after the deadline): ``late=True`` leaves none."""

    course_id: int | None = None
    course_slug: str = ""
    lesson_id: int | None = None
    graded: bool = False
    late: bool | None = None


ALL_WAITING = GradingFilters()


def grading_queue(*, user: Any, filters: GradingFilters = ALL_WAITING) -> QuerySet[AttemptQuestion]:
    """Answers waiting for a mentor (``filters.graded``: those a mentor already marked),
    oldest submission first, in the courses ``user`` may edit (staff: every course). One
    query."""
    if not getattr(user, "is_authenticated", False) or filters.late:
        return AttemptQuestion.objects.none()
    rows = AttemptQuestion.objects.filter(attempt__is_preview=False)
    if filters.graded:
        rows = rows.filter(graded_by__isnull=False)
    else:
        rows = rows.filter(state=State.NEEDS_GRADING)
    rows = _graders_work(rows, user=user, filters=filters, item="attempt__quiz")
    return rows.select_related(
        "attempt__student", "attempt__quiz__lesson", "attempt__quiz__course", "question"
    ).order_by("attempt__submitted_at", "attempt_id", "position")


def _graders_work(rows: QuerySet[Any], *, user: Any, filters: GradingFilters, item: str) -> Any:
    """``rows`` (answers or submissions, whose quiz or assignment is at the path ``item``) in
    the courses ``user`` grades (staff: all; not a mentor: none), narrowed by ``filters``."""
    if not user_is_staff(user):
        if not user_is_mentor(user):
            return rows.none()
        rows = rows.filter(**{f"{item}__course__instructors": user})
    if filters.course_id:
        rows = rows.filter(**{f"{item}__course_id": filters.course_id})
    if filters.course_slug:
        rows = rows.filter(**{f"{item}__course__slug": filters.course_slug})
    if filters.lesson_id:
        rows = rows.filter(**{f"{item}__lesson_id": filters.lesson_id})
    return rows


def grading_neighbours(
    *, user: Any, attempt_question: AttemptQuestion
) -> tuple[int | None, int | None]:
    """The answers before and after this one in the user's queue (its own course)."""
    ids = list(
        grading_queue(
            user=user, filters=GradingFilters(course_id=attempt_question.attempt.quiz.course_id)
        ).values_list("pk", flat=True)[:500]
    )
    return _neighbours(ids, attempt_question.pk)


def _neighbours(ids: list[int], pk: int) -> tuple[int | None, int | None]:
    if pk not in ids:
        return None, (ids[0] if ids else None)
    i = ids.index(pk)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)


def grading_items(*, user: Any, limit: int = 300) -> list[dict[str, Any]]:
    """The quizzes and assignments ``user`` grades (staff: every course's), for the queue's
    filters: ``{"lesson_id", "title", "kind", "course_id", "course_title"}`` by course and
    lesson. Two queries."""
    if not getattr(user, "is_authenticated", False) or not (
        user_is_staff(user) or user_is_mentor(user)
    ):
        return []
    fields = ("lesson_id", "lesson__title", "course_id", "course__title", "lesson__order")
    items = []
    for kind, model in (("quiz", Quiz), ("assignment", Assignment)):
        rows = model.objects.all()
        if not user_is_staff(user):
            rows = rows.filter(course__instructors=user)
        for lesson_id, title, course_id, course_title, order in rows.order_by(
            "course__title", "lesson__order"
        ).values_list(*fields)[:limit]:
            items.append(
                {
                    "lesson_id": lesson_id,
                    "title": title,
                    "kind": kind,
                    "course_id": course_id,
                    "course_title": course_title,
                    "order": order,
                }
            )
    return sorted(items, key=lambda i: (i["course_title"], i["course_id"], i["order"]))


def grading_courses(*, items: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(id, title) of the courses of ``grading_items``, for the queue's course filter."""
    return sorted({(i["course_id"], i["course_title"]) for i in items}, key=lambda c: c[1])


def grading_waiting_count(*, user: Any) -> int:
    """Quiz answers and assignment work waiting for ``user``'s mark (the mentor's home)."""
    return grading_queue(user=user).count() + submissions_to_grade(user=user).count()


# --- assignments ------------------------------------------------------------------------------


def assignment_for_lesson(*, lesson_id: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("lesson__module", "lesson__course", "course")
        .filter(lesson_id=lesson_id)
        .first()
    )


def assignment_due_list(*, user: Any, since: datetime, limit: int = 200) -> list[Assignment]:
    """The assignments of the user's live enrollments due from ``since`` on, soonest first,
    with lesson and course: published lessons only. ``own_due_at`` is the user's due date
    (their extension's, else the assignment's). One query (calendars, the student's home)."""
    if not getattr(user, "is_authenticated", False):
        return []
    extension = Extension.objects.filter(assignment=OuterRef("pk"), student_id=user.pk)
    return list(
        Assignment.objects.filter(
            course_id__in=enrollment_list(user=user).order_by().values("course_id"),
            lesson__is_published=True,
            lesson__module__is_published=True,
        )
        .annotate(own_due_at=Coalesce(Subquery(extension.values("due_at")[:1]), F("due_at")))
        .filter(own_due_at__gte=since)
        .select_related("lesson", "course")
        .order_by("own_due_at", "pk")[:limit]
    )


def submission_history(*, assignment: Assignment, student: Any) -> list[Submission]:
    """The student's versions, newest first."""
    if not getattr(student, "is_authenticated", False):
        return []
    return list(
        Submission.objects.filter(assignment=assignment, student=student).order_by("-version")
    )


def submission_view(*, submission: Submission, viewer: Any, file_url: str) -> dict[str, Any]:
    """A submission as ``viewer`` may see it: its student sees the mark only once released."""
    editor = quiz_can_edit(user=viewer, course=submission.assignment.course)
    shown = editor or submission.released_at is not None
    return {
        "id": submission.pk,
        "version": submission.version,
        "is_latest": submission.is_latest,
        "text": submission.text,
        "file_name": submission.file_name,
        "file_url": file_url,
        "submitted_at": submission.submitted_at,
        "days_late": submission.days_late,
        "state": submission.state if shown else Submission.State.SUBMITTED,
        "score": str(submission.score) if shown and submission.score is not None else None,
        "penalty_percent": str(submission.penalty_percent) if shown else None,
        "final_score": (
            str(submission.final_score) if shown and submission.final_score is not None else None
        ),
        "feedback": submission.feedback if shown else "",
        "released_at": submission.released_at,
        "is_audio": submission.file_type.startswith("audio/"),
        "transcript": submission.transcript,
        "transcript_state": submission.transcript_state,
        "transcript_state_label": TranscriptState(submission.transcript_state).label,
    }


def assignment_submissions(
    *, assignment: Assignment, state: str = "", late: bool | None = None
) -> QuerySet[Submission]:
    """The latest version of each student's work (for mentors), oldest hand-in first."""
    rows = Submission.objects.filter(assignment=assignment, is_latest=True)
    if state:
        rows = rows.filter(state=state)
    if late is not None:
        rows = rows.filter(days_late__gt=0) if late else rows.filter(days_late=0)
    return rows.select_related("student").order_by("submitted_at", "id")


def submissions_to_grade(
    *, user: Any, filters: GradingFilters = ALL_WAITING
) -> QuerySet[Submission]:
    """Assignment work waiting for a mark (``filters.graded``: marked), each student's latest
    version, oldest hand-in first, in the courses ``user`` may edit (staff: all). One query."""
    if not getattr(user, "is_authenticated", False):
        return Submission.objects.none()
    state = Submission.State.GRADED if filters.graded else Submission.State.SUBMITTED
    rows = _graders_work(
        Submission.objects.filter(is_latest=True, state=state),
        user=user,
        filters=filters,
        item="assignment",
    )
    if filters.late is not None:
        rows = rows.filter(days_late__gt=0) if filters.late else rows.filter(days_late=0)
    return rows.select_related("student", "assignment__lesson", "assignment__course").order_by(
        "submitted_at", "id"
    )


def submission_neighbours(*, submission: Submission) -> tuple[int | None, int | None]:
    """The students' work before and after this one on its assignment's list (each
    student's latest version, oldest hand-in first): the grading page's previous and next."""
    ids = list(
        Submission.objects.filter(assignment_id=submission.assignment_id, is_latest=True)
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)[:1000]
    )
    return _neighbours(ids, submission.pk)


def submission_get_for_grading(*, submission_id: int, user: Any) -> Submission:
    submission = (
        Submission.objects.select_related("assignment__course", "assignment__lesson", "student")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFound(_("Not found."))
    _editable(submission.assignment.course, user)
    return submission


def course_student(*, course: Any, user_id: int) -> Any:
    """A student enrolled in ``course`` (for an extension), or NotFound."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not course_is_enrolled(user=user, course=course):
        raise NotFound(_("No such student in this course."))
    return user


def certificate_by_code(*, code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code.strip().upper()[:20]).first()


def my_certificates(*, user: Any) -> QuerySet[Certificate]:
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(student=user).order_by("-issued_at")
