"""Question banks: questions written by hand or imported from GIFT / Aiken, and exported back.

Every write checks ``policies.quiz_can_edit`` for the bank's course. An import saves all of a
file's questions or none: any bad line and nothing is saved, and the report names every line.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError

from ..engine.data import data_clean
from ..engine.kinds import QuestionKind
from ..formats import ExportResult, ImportReport, ParsedQuestion
from ..formats.aiken import aiken_export, aiken_parse
from ..formats.gift import gift_export, gift_parse
from ..models import Question, QuestionBank, QuestionTag
from .guards import require_course_editor

FORMATS = {"gift": (gift_parse, gift_export), "aiken": (aiken_parse, aiken_export)}
IMPORT_MAX_BYTES = 1_000_000
TAGS_MAX = 20


def bank_create(*, user: Any, course: Any, title: str) -> QuestionBank:
    require_course_editor(user, course)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationError(
            _("Give the bank a title."), errors={"title": [_("1 to 200 characters.")]}
        )
    return QuestionBank.objects.create(course=course, title=title)


def _tags(bank: QuestionBank, names: list[str]) -> list[QuestionTag]:
    wanted = sorted({n.strip()[:50] for n in names if n and n.strip()})
    if len(wanted) > TAGS_MAX:
        raise ValidationError(_("Too many tags."), errors={"tags": [_("At most 20.")]})
    existing = {t.name: t for t in bank.tags.filter(name__in=wanted)}
    missing = [QuestionTag(bank=bank, name=n) for n in wanted if n not in existing]
    QuestionTag.objects.bulk_create(missing, ignore_conflicts=True)
    return list(bank.tags.filter(name__in=wanted))


def _points(value: Any) -> Decimal:
    try:
        points = Decimal(str(value))
    except InvalidOperation:
        points = Decimal(-1)
    if not points.is_finite() or points <= 0 or points > 1000:
        raise ValidationError(
            _("Check the points."), errors={"points": [_("Between 0.01 and 1000.")]}
        )
    return points.quantize(Decimal("0.01"))


def _clean_fields(kind: str, text: str, data: Any, points: Any) -> tuple[str, dict, Decimal]:
    if kind not in QuestionKind.values:
        raise ValidationError(_("Unknown question kind."), errors={"kind": [_("Unknown kind.")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            _("Write the question."), errors={"text": [_("This field is required.")]}
        )
    return text, data_clean(kind=kind, data=data), _points(points)


@transaction.atomic
def question_create(
    *,
    user: Any,
    bank: QuestionBank,
    kind: str,
    text: str,
    data: Any,
    points: Any = 1,
    name: str = "",
    feedback: str = "",
    category: str = "",
    tags: list[str] | None = None,
) -> Question:
    require_course_editor(user, bank.course)
    text, cleaned, pts = _clean_fields(kind, text, data, points)
    question = Question.objects.create(
        bank=bank,
        kind=kind,
        text=text,
        data=cleaned,
        points=pts,
        name=name.strip()[:200],
        feedback=feedback.strip(),
        category=category.strip()[:200],
    )
    question.tags.set(_tags(bank, tags or []))
    return question


@transaction.atomic
def question_update(*, user: Any, question: Question, **fields: Any) -> Question:
    """Change a question; attempts already started keep the copy they were given."""
    require_course_editor(user, question.bank.course)
    kind = fields.get("kind", question.kind)
    text, cleaned, pts = _clean_fields(
        kind,
        fields.get("text", question.text),
        fields.get("data", question.data),
        fields.get("points", question.points),
    )
    question.kind, question.text, question.data, question.points = kind, text, cleaned, pts
    for name in ("name", "feedback", "category"):
        if name in fields:
            setattr(
                question, name, str(fields[name]).strip()[: 200 if name != "feedback" else 5000]
            )
    question.save()
    if "tags" in fields:
        question.tags.set(_tags(question.bank, fields["tags"] or []))
    return question


def question_delete(*, user: Any, question: Question) -> None:
    require_course_editor(user, question.bank.course)
    question.delete()


def bank_import(*, user: Any, bank: QuestionBank, fmt: str, text: str) -> ImportReport:
    """Parse ``text`` and save its questions, all or none; the report says what happened."""
    require_course_editor(user, bank.course)
    if fmt not in FORMATS:
        raise ValidationError(_("Unknown format."), errors={"format": [_("gift or aiken.")]})
    if len(text.encode()) > IMPORT_MAX_BYTES:
        raise ValidationError(_("The file is too large."), errors={"file": [_("At most 1 MB.")]})
    report = FORMATS[fmt][0](text)
    if not report.ok:
        raise ValidationError(
            _("Nothing was imported: the file has %(n)d problems.") % {"n": len(report.errors)},
            code="import_failed",
            errors=import_errors(report),
        )
    with transaction.atomic():
        rows = Question.objects.bulk_create(
            [
                Question(
                    bank=bank,
                    kind=q.kind,
                    text=q.text,
                    data=q.data,
                    name=q.name[:200],
                    feedback=q.feedback,
                    category=q.category[:200],
                )
                for q in report.questions
            ]
        )
    report.saved = [row.pk for row in rows]
    return report


def import_errors(report: ImportReport) -> dict[str, list[str]]:
    """The report's problems by line ("line 3": [...]), in line order."""
    errors: dict[str, list[str]] = {}
    for line, message in sorted(report.errors, key=lambda e: e[0]):
        errors.setdefault(f"line {line}", []).append(message)
    return errors


def bank_export(*, user: Any, bank: QuestionBank, fmt: str) -> ExportResult:
    require_course_editor(user, bank.course)
    if fmt not in FORMATS:
        raise ValidationError(_("Unknown format."), errors={"format": [_("gift or aiken.")]})
    questions = [
        ParsedQuestion(
            line=0,
            kind=q.kind,
            text=q.text,
            data=q.data,
            name=q.name,
            category=q.category,
            feedback=q.feedback,
        )
        for q in bank.questions.order_by("category", "id")
    ]
    return FORMATS[fmt][1](questions)
