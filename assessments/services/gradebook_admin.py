"""What a course's mentors change in its gradebook: the pass mark and letter scale,
categories (weight, drop lowest), each item's category and extra credit, and overrides with a
reason (kept in the ``GradeChange`` trail). A change of the rules recomputes the whole course:
at once for a small course, on Celery for a large one.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollments.selectors import course_students_query
from kalpla.exceptions import NotFound, ValidationError

from .. import tasks
from ..models import GradebookSettings, GradeCategory, GradeChange, GradeEntry, GradeItem
from .gradebook import course_grades_recompute, course_grades_refresh
from .guards import require_course_editor

# Up to this many learners a course is recomputed in the request; above, on Celery.
INLINE_LEARNERS = 1000
SCALE_LINE = re.compile(r"^\s*([^\s:,=]{1,8})\s*[:,=]?\s*(\d+(?:\.\d+)?)\s*%?\s*$")


def course_grades_refresh_later(*, course_id: int, item_id: int | None = None) -> None:
    """After the transaction commits: the item's entries (when named) and every total."""

    def run() -> None:
        if course_students_query(course_id=course_id).count() > INLINE_LEARNERS:
            tasks.course_grades_refresh_task.delay(course_id=course_id, item_id=item_id)
            return
        course_grades_recompute(course_id=course_id, item_id=item_id)

    transaction.on_commit(run)


def _full_clean(instance: Any, exclude: list[str]) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise ValidationError(
            _("Check the settings."),
            errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()},
        ) from exc


def scale_parse(text: str) -> list[dict[str, Any]]:
    """Lines of ``letter minimum`` ("A 90"), highest first, the last one from 0."""
    steps: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = SCALE_LINE.match(line)
        if match is None:
            errors.append(_("Line %(n)d: write a letter and its lowest percent.") % {"n": number})
            continue
        minimum = Decimal(match.group(2))
        if steps and minimum >= Decimal(str(steps[-1]["min"])):
            errors.append(_("Line %(n)d: go from the highest grade down.") % {"n": number})
        if any(s["letter"] == match.group(1) for s in steps):
            errors.append(_("Line %(n)d: that letter is already used.") % {"n": number})
        steps.append({"letter": match.group(1), "min": float(minimum)})
    if not errors and (not steps or steps[-1]["min"] != 0):
        errors.append(_("The last letter starts at 0."))
    if not errors and steps[0]["min"] > 100:
        errors.append(_("Percentages go up to 100."))
    if errors:
        raise ValidationError(_("Check the letter scale."), errors={"scale": errors})
    return steps


def scale_text(scale: list[dict[str, Any]]) -> str:
    return "\n".join(f"{s['letter']} {Decimal(str(s['min'])).normalize():f}" for s in scale)


@transaction.atomic
def gradebook_settings_update(
    *, user: Any, course: Any, pass_percent: Decimal, scale: str
) -> GradebookSettings:
    require_course_editor(user, course)
    row = GradebookSettings.objects.select_for_update().filter(course=course).first()
    row = row or GradebookSettings(course=course)
    row.pass_percent = pass_percent
    row.scale = scale_parse(scale)
    _full_clean(row, exclude=["course"])
    row.save()
    course_grades_refresh_later(course_id=course.pk)
    return row


@transaction.atomic
def grade_category_save(
    *, user: Any, course: Any, name: str, weight: Decimal, drop_lowest: int,
    category: GradeCategory | None = None,
) -> GradeCategory:  # fmt: skip
    require_course_editor(user, course)
    if category is not None and category.course_id != course.pk:
        raise NotFound(_("Not found."))
    row = category or GradeCategory(course=course)
    row.name, row.weight, row.drop_lowest = name.strip(), weight, drop_lowest
    if category is None:
        row.position = GradeCategory.objects.filter(course=course).count() + 1
    _full_clean(row, exclude=["course"])
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Check the category."), errors={"name": [_("Another category has this name.")]}
        ) from exc
    course_grades_refresh_later(course_id=course.pk)
    return row


@transaction.atomic
def grade_category_delete(*, user: Any, category: GradeCategory) -> None:
    """Its items stay, without a category."""
    require_course_editor(user, category.course)
    course_id = category.course_id
    category.delete()
    course_grades_refresh_later(course_id=course_id)


@transaction.atomic
def grade_item_update(
    *, user: Any, item: GradeItem, category: GradeCategory | None, extra_credit: bool
) -> GradeItem:
    require_course_editor(user, item.course)
    if category is not None and category.course_id != item.course_id:
        raise ValidationError(
            _("Use a category of this course."), errors={"category": [_("Other course.")]}
        )
    item.category, item.extra_credit = category, extra_credit
    item.save(update_fields=["category", "extra_credit"])
    course_grades_refresh_later(course_id=item.course_id)
    return item


def _points(value: Decimal | None, item: GradeItem) -> Decimal | None:
    if value is None:
        return None
    try:
        value = value.quantize(Decimal("0.01"))
    except InvalidOperation:
        value = Decimal(-1)
    if value < 0 or value > item.max_points:
        raise ValidationError(
            _("Give between 0 and %(p)s points.") % {"p": item.max_points},
            errors={"points": [_("Out of range.")]},
        )
    return value


@transaction.atomic
def grade_override(
    *, user: Any, item: GradeItem, student_id: int, points: Decimal | None, reason: str
) -> GradeEntry:
    """Set (or, with ``points=None``, clear) a learner's mark for an item. The reason is
    required; the old and new marks, who and when go to the grade trail. An override counts
    in the learner's own view at once: it is the mentor's decision on the mark."""
    require_course_editor(user, item.course)
    if not course_students_query(course_id=item.course_id, user_id=student_id).exists():
        raise NotFound(_("No such learner in this course."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say why you change the mark."), errors={"reason": [_("Required.")]}
        )
    points = _points(points, item)
    entry, _created = GradeEntry.objects.select_for_update().get_or_create(
        item=item, student_id=student_id, defaults={"updated_at": timezone.now()}
    )
    old = entry.override_points if entry.override_points is not None else entry.points
    entry.override_points = points
    entry.override_reason = reason[:500] if points is not None else ""
    entry.updated_at = timezone.now()
    entry.save(update_fields=["override_points", "override_reason", "updated_at"])
    GradeChange.objects.create(
        entry=entry,
        changed_by=user,
        old_score=old,
        new_score=points if points is not None else entry.points,
        reason=reason[:500],
    )
    course_grades_refresh(course_id=item.course_id, student_id=student_id)
    return entry
