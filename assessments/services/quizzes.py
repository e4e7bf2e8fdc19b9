"""A quiz's settings and its slots (fixed questions and random draws from a bank)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError

from ..models import Question, QuestionBank, QuestionTag, Quiz, QuizSlot
from .gradebook import grade_item_for_quiz
from .gradebook_admin import course_grades_refresh_later
from .guards import require_course_editor

SETTINGS = (
    "instructions",
    "behaviour",
    "retry_penalty",
    "max_tries",
    "attempts_allowed",
    "grading_method",
    "time_limit",
    "opens_at",
    "closes_at",
    "shuffle_questions",
    "questions_per_page",
    "pass_percent",
    "review_score",
    "review_correctness",
    "review_right_answers",
    "review_feedback",
)


def quiz_ensure(*, user: Any, lesson: Any) -> Quiz:
    """The quiz of a lesson of kind ``quiz`` (made on first use by one of its editors)."""
    if lesson.kind != "quiz":
        raise ValidationError(
            _("This lesson is not a quiz."), errors={"lesson": [_("Not a quiz.")]}
        )
    quiz = Quiz.objects.filter(lesson=lesson).first()
    if quiz is not None:
        return quiz
    require_course_editor(user, lesson.course)
    quiz, _created = Quiz.objects.get_or_create(lesson=lesson, defaults={"course": lesson.course})
    return quiz


def quiz_update(*, user: Any, quiz: Quiz, **fields: Any) -> Quiz:
    """Change settings (validated by the model's fields); attempts already started keep their
    deadline."""
    require_course_editor(user, quiz.course)
    unknown = set(fields) - set(SETTINGS)
    if unknown:
        raise ValidationError(
            _("Unknown settings."), errors={name: [_("Unknown field.")] for name in sorted(unknown)}
        )
    for name, value in fields.items():
        setattr(quiz, name, value)
    _validate(quiz)
    with transaction.atomic():
        quiz.save()
        _gradebook_follow(quiz)
    return quiz


def _gradebook_follow(quiz: Quiz) -> None:
    """The quiz's gradebook column after its settings or questions changed: its maximum,
    closing, grading method and review options, recounted for every learner."""
    item = grade_item_for_quiz(quiz=quiz)
    course_grades_refresh_later(course_id=quiz.course_id, item_id=item.pk)


def _validate(quiz: Quiz) -> None:
    opens: datetime | None = quiz.opens_at
    closes: datetime | None = quiz.closes_at
    if opens and closes and closes <= opens:
        raise ValidationError(
            _("The quiz must close after it opens."), errors={"closes_at": [_("After opening.")]}
        )
    try:
        quiz.full_clean(exclude=["lesson", "course"])
    except DjangoValidationError as exc:
        raise ValidationError(
            _("Check the settings."),
            errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()},
        ) from exc


def _next_position(quiz: Quiz) -> int:
    return (quiz.slots.aggregate(p=Max("position"))["p"] or 0) + 1


def slot_add_question(*, user: Any, quiz: Quiz, question: Question) -> QuizSlot:
    require_course_editor(user, quiz.course)
    if question.bank.course_id != quiz.course_id:
        raise ValidationError(
            _("Use a question of this course."), errors={"question": [_("Other course.")]}
        )
    slot = QuizSlot.objects.create(quiz=quiz, question=question, position=_next_position(quiz))
    _gradebook_follow(quiz)
    return slot


def slot_add_random(
    *, user: Any, quiz: Quiz, bank: QuestionBank, count: int, tag: QuestionTag | None = None
) -> QuizSlot:
    require_course_editor(user, quiz.course)
    if bank.course_id != quiz.course_id or (tag is not None and tag.bank_id != bank.pk):
        raise ValidationError(
            _("Use a bank of this course."), errors={"bank": [_("Other course.")]}
        )
    pool = bank.questions.all()
    if tag is not None:
        pool = pool.filter(tags=tag)
    available = pool.count()
    if not 1 <= count <= min(available, 100):
        raise ValidationError(
            _("The bank has %(n)d matching questions.") % {"n": available},
            errors={"count": [_("Between 1 and %(n)d.") % {"n": min(available, 100)}]},
        )
    slot = QuizSlot.objects.create(
        quiz=quiz, bank=bank, tag=tag, count=count, position=_next_position(quiz)
    )
    _gradebook_follow(quiz)
    return slot


def slot_remove(*, user: Any, slot: QuizSlot) -> None:
    require_course_editor(user, slot.quiz.course)
    quiz = slot.quiz
    slot.delete()
    _gradebook_follow(quiz)


@transaction.atomic
def slots_reorder(*, user: Any, quiz: Quiz, slot_ids: list[int]) -> None:
    require_course_editor(user, quiz.course)
    slots = {s.pk: s for s in quiz.slots.all()}
    if sorted(slot_ids) != sorted(slots):
        raise ValidationError(
            _("Send every slot once."), errors={"slot_ids": [_("Every slot once.")]}
        )
    for position, pk in enumerate(slot_ids, start=1):
        slots[pk].position = position
    QuizSlot.objects.bulk_update(slots.values(), ["position"])
