"""Demo quizzes and assignments (seed_demo): a quiz of every question kind in Python basics, taken by the demo
student and graded; an essay answer from another learner waiting in the mentor's grading
queue; question banks (imported from GIFT, as a teacher would) behind every demo quiz lesson.
Idempotent: a rerun finds what the first run made and leaves it as it is.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessments.models import (
    Assignment,
    Attempt,
    GradeCategory,
    GradeItem,
    QuestionBank,
    Quiz,
    QuizSlot,
)
from assessments.services import assignments as assignment_services
from assessments.services import attempts as attempt_services
from assessments.services import banks as bank_services
from assessments.services import gradebook as gradebook_services
from assessments.services import grading as grading_services
from assessments.services.certificates import certificate_issue_if_earned
from assessments.services.release_notices import grade_released_notify
from courses.models import Course, Lesson, Module
from enrollments import services as enrollment_services

QUIZ_TITLE = "Quiz: values and decisions"
BANK_TITLE = "Python basics questions"

# Every kind GIFT can hold, as a teacher's file would have them (ordering is added by hand).
PYTHON_GIFT = r"""
$CATEGORY: $course$/top/Values

::Types::[markdown]What type does `type(3.0)` report? {
  =float#Right: a number with a decimal point is a float.
  ~int#Not quite: 3.0 has a decimal point.
  ~str#Only if it were in quotes.
}

::Truthy values::Which of these values are *truthy* in Python? {
  ~%50%[1, 2]
  ~%50%"hello"
  ~%-50%0
  ~%-50%""
}

::Strings are immutable::Python strings can be changed in place. {FALSE#They cannot: methods return new strings.#Right: strings are immutable.}

::Keyword::Which keyword starts a function definition in Python? {=def}

::Integer division::What is `7 // 2`? {#3:0}

::Pi::Give pi to two decimal places. {#3.14:0.005}

$CATEGORY: $course$/top/Decisions

::Operators::Match each operator with what it does. {
  =\=\= -> equal to
  =!\= -> not equal to
  =and -> both are true
  = -> either is true
}

::Why indentation::In two or three sentences: why does Python use indentation for blocks? {}
"""

ORDERING: dict[str, Any] = {
    "text": "Put the steps of running a Python program in order.",
    "data": {
        "items": [
            {"text": "Write the code in a .py file"},
            {"text": "Run python file.py"},
            {"text": "Python compiles it to bytecode"},
            {"text": "The interpreter executes the bytecode"},
        ]
    },
}
LOOPS_GIFT = r"""
$CATEGORY: $course$/top/Loops
::Range::How many numbers does `range(5)` give? {#5}

::Break::`break` leaves the innermost loop at once. {T}

::Else on loops::A loop's `else` block runs when the loop ends without `break`. {T}

::Continue::What does `continue` do? {=skips to the next turn of the loop ~ends the loop ~ends the program}
"""
GENERIC_GIFT = r"""
::Review 1::This course's lessons build on each other. {T}

::Review 2::Which is the best way to learn from this course? {=Practise after each lesson ~Watch every video twice ~Skip the exercises}

::Review 3::Name one thing you will try this week. {}
"""


def seed_quizzes(
    *, courses: dict[str, Course], mentor: User | None, student: User | None, learners: list[User]
) -> int:
    """Make the demo quizzes; returns how many quiz lessons have questions."""
    if mentor is None:
        return 0
    made = 0
    for course in courses.values():
        for lesson in Lesson.objects.filter(course=course, kind=Lesson.Kind.QUIZ):
            _generic_quiz(course, lesson, mentor)
            made += 1
    python = courses.get("python-basics")
    if python is not None:
        quiz = _python_quiz(python, mentor)
        made += 1
        if student is not None:
            _graded_attempt(quiz, student)
        if learners:
            _essay_to_grade(quiz, learners[0], mentor, learners[1:2])
    return made


def _bank(course: Course, title: str, gift: str, mentor: User) -> QuestionBank:
    bank = QuestionBank.objects.filter(course=course, title=title).first()
    if bank is None:
        bank = bank_services.bank_create(user=mentor, course=course, title=title)
        bank_services.bank_import(user=mentor, bank=bank, fmt="gift", text=gift)
    return bank


def _quiz(lesson: Lesson, **settings: Any) -> Quiz:
    quiz, _created = Quiz.objects.update_or_create(
        lesson=lesson, defaults={"course": lesson.course, **settings}
    )
    return quiz


def _generic_quiz(course: Course, lesson: Lesson, mentor: User) -> None:
    """Every demo quiz lesson has questions: three review questions, or for Python basics'
    last one, three drawn at random from a loops bank, with immediate feedback."""
    if course.slug == "python-basics":
        bank = _bank(course, "Loops", LOOPS_GIFT, mentor)
        quiz = _quiz(lesson, behaviour=Quiz.Behaviour.IMMEDIATE, attempts_allowed=0)
        if not quiz.slots.exists():
            QuizSlot.objects.create(quiz=quiz, bank=bank, count=3, position=1)
        return
    bank = _bank(course, f"{course.title}: review", GENERIC_GIFT, mentor)
    quiz = _quiz(lesson, attempts_allowed=2)
    if not quiz.slots.exists():
        for position, question in enumerate(bank.questions.order_by("id"), start=1):
            QuizSlot.objects.create(quiz=quiz, question=question, position=position)


def _python_quiz(course: Course, mentor: User) -> Quiz:
    module = (
        Module.objects.filter(course=course, order=1).first()
        or Module.objects.filter(course=course).order_by("order").first()
    )
    assert module is not None
    lesson, _created = Lesson.objects.update_or_create(
        module=module,
        title=QUIZ_TITLE,
        defaults={"course": course, "kind": Lesson.Kind.QUIZ, "is_required": False},
        create_defaults={
            "course": course,
            "kind": Lesson.Kind.QUIZ,
            "order": 10,
            "is_required": False,
            "duration": 600,
            "content": "Nine questions, one of each kind. Ten minutes; three attempts.",
            "announced_at": timezone.now(),
        },
    )
    bank = _bank(course, BANK_TITLE, PYTHON_GIFT, mentor)
    if not bank.questions.filter(kind="ordering").exists():
        bank_services.question_create(user=mentor, bank=bank, kind="ordering", points=2, **ORDERING)
    quiz = _quiz(
        lesson,
        instructions="Answer every question; your answers are saved as you go.",
        time_limit=600,
        attempts_allowed=3,
        questions_per_page=3,
        review_right_answers=Quiz.Review.IMMEDIATELY,
    )
    if not quiz.slots.exists():
        for position, question in enumerate(bank.questions.order_by("id"), start=1):
            QuizSlot.objects.create(quiz=quiz, question=question, position=position)
    return quiz


def _right_answers(attempt: Attempt, *, skip_kinds: tuple[str, ...] = ()) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for aq in attempt.questions.all():
        if aq.kind in skip_kinds:
            continue
        answers[aq.position] = _right(aq.kind, aq.data)
    return answers


def _right(kind: str, data: dict) -> Any:
    if kind == "single_choice":
        return max(data["options"], key=lambda o: Decimal(o["fraction"]))["id"]
    if kind == "multiple_choice":
        return [o["id"] for o in data["options"] if Decimal(o["fraction"]) > 0]
    if kind == "true_false":
        return data["answer"]
    if kind == "short_answer":
        return data["answers"][0]["text"]
    if kind == "numeric":
        return data["answers"][0]["value"]
    if kind == "matching":
        return {p["id"]: p["answer"] for p in data["pairs"]}
    if kind == "ordering":
        return [i["id"] for i in data["items"]]
    return "Indentation shows where a block starts and ends, so the code reads as it runs."


def _submitted(quiz: Quiz, user: User, answers_for: Any) -> Attempt | None:
    """The user's first attempt, taken and graded (the grading worker's own code, run now)."""
    existing = Attempt.objects.filter(quiz=quiz, student=user).first()
    if existing is not None:
        return None
    with transaction.atomic():
        attempt = attempt_services.attempt_start(quiz=quiz, user=user)
        attempt_services.attempt_answers_save(
            attempt_id=attempt.pk, user=user, responses=answers_for(attempt)
        )
        Attempt.objects.filter(pk=attempt.pk).update(
            state=Attempt.State.SUBMITTED, submitted_at=timezone.now() - timedelta(hours=2)
        )
    grading_services.attempt_grade(attempt_id=attempt.pk)
    return attempt


def _graded_attempt(quiz: Quiz, student: User) -> None:
    """The demo student's attempt: right but for two answers, essay graded by the mentor."""

    def answers(attempt: Attempt) -> dict[int, Any]:
        chosen = _right_answers(attempt)
        for aq in attempt.questions.filter(kind__in=("numeric", "multiple_choice")):
            chosen[aq.position] = "3.2" if aq.kind == "numeric" else [aq.data["options"][0]["id"]]
        return chosen

    attempt = _submitted(quiz, student, answers)
    if attempt is None:
        return
    mentor = quiz.course.instructors.first()
    essay = attempt.questions.filter(kind="essay").first()
    if essay is not None and mentor is not None:
        grading_services.attempt_question_grade(
            grader=mentor,
            attempt_question_id=essay.pk,
            score=Decimal("0.80"),
            comment="Good: blocks are visible. Mention that it removes the need for braces.",
        )


def _essay_to_grade(quiz: Quiz, learner: User, mentor: User, others: list[User]) -> None:
    """Kiran's attempt waits in the mentor's grading queue (its essay)."""
    for user in (learner, *others):
        enrollment_services.enrollment_create(user=user, course=quiz.course)
        _submitted(quiz, user, lambda attempt: _right_answers(attempt))


ASSIGNMENT_TITLE = "Assignment: a program of your own"


def seed_assignments(
    *, courses: dict[str, Course], mentor: User | None, student: User | None, learners: list[User]
) -> int:
    """Python basics' assignment: the demo student's work graded and released, Kiran's late
    work waiting for the mentor's mark."""
    if mentor is not None:
        _speaking_assignment(courses, mentor)
    python = courses.get("python-basics")
    if python is None or mentor is None:
        return 0
    module = Module.objects.filter(course=python, order=1).first()
    if module is None:
        return 0
    lesson, _created = Lesson.objects.update_or_create(
        module=module,
        title=ASSIGNMENT_TITLE,
        defaults={"course": python, "kind": Lesson.Kind.ASSIGNMENT, "is_required": False},
        create_defaults={
            "course": python,
            "kind": Lesson.Kind.ASSIGNMENT,
            "order": 11,
            "is_required": False,
            "duration": 1800,
            "content": "Write a short program that uses a decision and a loop.",
            "announced_at": timezone.now(),
        },
    )
    assignment = assignment_services.assignment_ensure(user=mentor, lesson=lesson)
    if assignment.due_at is None:
        assignment_services.assignment_update(
            user=mentor,
            assignment=assignment,
            instructions="Hand in your program as text, or as a file (PDF, Word or a .txt file).",
            accepts_text=True,
            accepts_file=True,
            file_kinds=["document"],
            points=Decimal(20),
            due_at=timezone.now() + timedelta(days=7),
            cutoff_at=timezone.now() + timedelta(days=14),
            penalty_per_day=Decimal(10),
            penalty_cap=Decimal(50),
        )
    if student is not None and not assignment.submissions.filter(student=student).exists():
        work = assignment_services.submission_create(
            user=student,
            assignment=assignment,
            text="for n in range(1, 11):\n    print(n, 'even' if n % 2 == 0 else 'odd')",
        )
        assignment_services.submission_grade(
            grader=mentor,
            submission=work,
            score=Decimal(18),
            feedback="Clear and correct. Try a function next time.",
        )
        assignment_services.grades_release(
            user=mentor, assignment=assignment, submission_ids=[work.pk]
        )
        # The notice goes out on Celery after the commit; the demo sends it now (a seeding
        # inside a transaction has it too; its dedupe key keeps it to one).
        grade_released_notify(submission_ids=[work.pk])
    if learners and not assignment.submissions.filter(student=learners[0]).exists():
        assignment_services.submission_create(
            user=learners[0],
            assignment=assignment,
            text="age = 20\nif age > 18:\n    print('adult')",
        )
        # handed in two days after a due date that had passed (a late example for the mentor)
        assignment.submissions.filter(student=learners[0]).update(days_late=2)
    return 1


SPEAKING_TITLE = "Speaking: introduce yourself"


def _speaking_assignment(courses: dict[str, Course], mentor: User) -> None:
    """A speaking assignment in Spoken Hindi: students record themselves in the browser."""
    course = courses.get("spoken-hindi-for-beginners")
    module = Module.objects.filter(course=course).order_by("order").first() if course else None
    if course is None or module is None:
        return
    lesson, _created = Lesson.objects.update_or_create(
        module=module,
        title=SPEAKING_TITLE,
        defaults={"course": course, "kind": Lesson.Kind.ASSIGNMENT, "is_required": False},
        create_defaults={
            "course": course,
            "kind": Lesson.Kind.ASSIGNMENT,
            "order": 20,
            "is_required": False,
            "duration": 600,
            "content": "Say your name, where you live and what you like, in a few sentences.",
            "announced_at": timezone.now(),
        },
    )
    assignment = assignment_services.assignment_ensure(user=mentor, lesson=lesson)
    if not assignment.speaking:
        assignment_services.assignment_update(
            user=mentor,
            assignment=assignment,
            instructions="Record yourself (the page has a recorder) or upload an audio file.",
            accepts_text=False,
            speaking=True,
            file_kinds=["audio"],
            points=Decimal(10),
        )


def seed_certificates(*, courses: dict[str, Course], student: User | None) -> int:
    """The demo student's certificates for the courses they completed (normally issued when
    the course is completed; the demo asks again so a rerun or a seeding inside a transaction
    has them too)."""
    if student is None:
        return 0
    issued = 0
    for course in courses.values():
        if certificate_issue_if_earned(student_id=student.pk, course_id=course.pk) is not None:
            issued += 1
    return issued


CLASSMATES = (
    ("asha.classmate@example.com", "Asha Classmate", 12),
    ("ben.classmate@example.com", "Ben Classmate", 15),
    ("chen.classmate@example.com", "Chen Classmate", 17),
    ("dara.classmate@example.com", "Dara Classmate", 19),
)


def seed_gradebook(
    *, courses: dict[str, Course], mentor: User | None, student: User | None, learners: list[User]
) -> int:
    """Python basics' gradebook: Quizzes (40%) and Assignments (60%), and classmates with
    released marks so the demo student's "My grades" chart has a shape. Every course's
    gradebook is rebuilt from its quizzes and assignments. Returns the courses rebuilt."""
    python = courses.get("python-basics")
    if python is not None and mentor is not None:
        assignment = Assignment.objects.filter(
            course=python, lesson__title=ASSIGNMENT_TITLE
        ).first()
        if assignment is not None:
            _classmates_marked(assignment, mentor)
    for course in courses.values():
        gradebook_services.course_rebuild(course_id=course.pk)
    if python is not None:
        quizzes = _category(python, "Quizzes", 40, 0, 1)
        work = _category(python, "Assignments", 60, 0, 2)
        GradeItem.objects.filter(course=python, category__isnull=True, quiz__isnull=False).update(
            category=quizzes
        )
        GradeItem.objects.filter(course=python, category__isnull=True, quiz__isnull=True).update(
            category=work
        )
        gradebook_services.course_grades_refresh(course_id=python.pk)
    return len(courses)


def _category(course: Course, name: str, weight: int, drop: int, position: int) -> GradeCategory:
    category, _created = GradeCategory.objects.get_or_create(
        course=course,
        name=name,
        defaults={"weight": Decimal(weight), "drop_lowest": drop, "position": position},
    )
    return category


def _classmates_marked(assignment: Assignment, mentor: User) -> None:
    for email, name, score in CLASSMATES:
        user, _created = User.objects.get_or_create(email=email, defaults={"name": name})
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        enrollment_services.enrollment_create(user=user, course=assignment.course)
        if assignment.submissions.filter(student=user).exists():
            continue
        work = assignment_services.submission_create(
            user=user, assignment=assignment, text="print('hello')"
        )
        assignment_services.submission_grade(grader=mentor, submission=work, score=Decimal(score))
        assignment_services.grades_release(
            user=mentor, assignment=assignment, submission_ids=[work.pk]
        )
