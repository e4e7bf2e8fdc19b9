"""Rubrics: criteria x levels with points, written in a few lines of text, and grading with
them. One criterion per line, its levels after the colon separated by ``|``, each level its
points then what it looks like::

    Clarity: 0 Hard to follow | 2 Mostly clear | 4 Clear throughout
    Correctness: 0 Wrong | 3 Partly right | 6 Right

A submission's mark from a rubric is the chosen levels' points over the rubric's best
possible points, scaled to the assignment's points (a 10-point rubric on a 20-point
assignment doubles).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError

from ..models import Rubric, RubricCriterion, RubricLevel, RubricScore, Submission
from .assignments import submission_grade
from .guards import require_course_editor

CENTS = Decimal("0.01")
MAX_CRITERIA = 20
MAX_LEVELS = 10


def rubric_parse(text: str) -> list[tuple[str, list[tuple[Decimal, str]]]]:
    """(criterion, [(points, level)]) per line; ValidationError naming every bad line."""
    criteria: list[tuple[str, list[tuple[Decimal, str]]]] = []
    errors: dict[str, list[str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        title, colon, rest = line.partition(":")
        levels: list[tuple[Decimal, str]] = []
        problem = ""
        if not colon or not title.strip():
            problem = _("Write “Criterion: points level | points level”.")
        for part in rest.split("|") if not problem else []:
            points, _space, label = part.strip().partition(" ")
            try:
                value = Decimal(points)
            except InvalidOperation:
                problem = _("Each level starts with its points.")
                break
            if not value.is_finite() or value < 0 or value > 1000:
                problem = _("Points are between 0 and 1000.")
                break
            levels.append((value.quantize(CENTS), label.strip()[:200] or str(value)))
        if not problem and not 2 <= len(levels) <= MAX_LEVELS:
            problem = _("Give between 2 and %(n)d levels.") % {"n": MAX_LEVELS}
        if problem:
            errors[f"line {number}"] = [problem]
            continue
        criteria.append((title.strip()[:200], levels))
    if not criteria and not errors:
        errors["text"] = [_("Write at least one criterion.")]
    if len(criteria) > MAX_CRITERIA:
        errors["text"] = [_("At most %(n)d criteria.") % {"n": MAX_CRITERIA}]
    if errors:
        raise ValidationError(_("Check the rubric."), errors=errors)
    return criteria


@transaction.atomic
def rubric_create(*, user: Any, course: Any, title: str, text: str) -> Rubric:
    require_course_editor(user, course)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Name the rubric."), errors={"title": [_("Required.")]})
    criteria = rubric_parse(text)
    rubric = Rubric.objects.create(course=course, title=title[:200])
    for position, (name, levels) in enumerate(criteria):
        criterion = RubricCriterion.objects.create(rubric=rubric, position=position, title=name)
        RubricLevel.objects.bulk_create(
            RubricLevel(criterion=criterion, points=points, title=label) for points, label in levels
        )
    return rubric


def rubric_total(*, rubric: Rubric) -> Decimal:
    """The best possible points: every criterion's highest level."""
    return sum(
        (max(level.points for level in c.levels.all()) for c in rubric.criteria.all()), Decimal(0)
    )


def rubric_mark(*, rubric: Rubric, level_ids: dict[int, int], out_of: Decimal) -> Decimal:
    """The mark (out of ``out_of``) for one chosen level per criterion."""
    criteria = list(rubric.criteria.prefetch_related("levels"))
    total = rubric_total(rubric=rubric)
    earned = Decimal(0)
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        level = next(
            (lv for lv in criterion.levels.all() if lv.pk == level_ids.get(criterion.pk)), None
        )
        if level is None:
            errors[f"criterion.{criterion.pk}"] = [_("Choose a level.")]
            continue
        earned += level.points
    if errors:
        raise ValidationError(_("Choose a level for every criterion."), errors=errors)
    if total == 0:
        return Decimal(0)
    return (earned / total * out_of).quantize(CENTS, rounding=ROUND_HALF_UP)


@transaction.atomic
def submission_grade_with_rubric(
    *, grader: Any, submission: Submission, level_ids: dict[int, int],
    feedback: str | None = None, reason: str = "",
) -> Submission:  # fmt: skip
    """Grade by the assignment's rubric: the chosen levels are kept with the submission."""
    assignment = submission.assignment
    require_course_editor(grader, assignment.course)
    rubric = assignment.rubric
    if rubric is None:
        raise ValidationError(_("This assignment has no rubric."), errors={"rubric": [_("None.")]})
    score = rubric_mark(rubric=rubric, level_ids=level_ids, out_of=assignment.points)
    RubricScore.objects.filter(submission=submission).delete()
    RubricScore.objects.bulk_create(
        RubricScore(submission=submission, criterion_id=criterion, level_id=level)
        for criterion, level in level_ids.items()
        if criterion in {c.pk for c in rubric.criteria.all()}
    )
    return submission_grade(
        grader=grader, submission=submission, score=score, feedback=feedback, reason=reason
    )
