"""Reads of the gradebook: a page of learners (sorted and filtered in the database), their
entries, the items and categories, a learner's own row, the class's anonymous distribution.
A page is a fixed number of queries whatever the number of learners."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from enrollments.selectors import course_students_query
from kalpla.exceptions import ValidationError

from .models import CourseGrade, GradeCategory, GradeEntry, GradeItem
from .services.gradebook import (
    breakdown,
    distribution_cache_key,
    scale_steps,
    settings_for,
)

STATUSES = ("passed", "failing")
BINS = 10
# The class's distribution is shown once this many learners have a released total, so no
# bar stands for one or two people whose marks a classmate could work out.
DISTRIBUTION_MIN_LEARNERS = 5
DISTRIBUTION_TTL = 300


@dataclass(frozen=True)
class GradebookQuery:
    """What a mentor asked for: ``sort`` is name, total or item:<id>; ``descending``."""

    sort: str = "name"
    descending: bool = False
    search: str = ""
    letter: str = ""
    status: str = ""
    missing: bool = False

    @classmethod
    def parse(cls, params: Any) -> "GradebookQuery":
        """From query parameters: ``ordering`` (name, -total, item:12...), ``search``,
        ``letter``, ``status`` (passed, failing), ``missing`` (true)."""
        ordering = (params.get("ordering") or "name").strip()
        descending = ordering.startswith("-")
        sort = ordering.lstrip("-")
        errors: dict[str, list[str]] = {}
        if sort not in ("name", "total") and not (sort.startswith("item:") and sort[5:].isdigit()):
            errors["ordering"] = [_("Sort by name, total or item:<id>.")]
        status = params.get("status") or ""
        if status not in ("", *STATUSES):
            errors["status"] = [_("passed or failing.")]
        missing = (params.get("missing") or "").lower()
        if missing not in ("", "true", "false", "1", "0", "on"):
            errors["missing"] = [_("true or false.")]
        if errors:
            raise ValidationError(_("Check the filters."), errors=errors)
        return cls(
            sort=sort,
            descending=descending,
            search=(params.get("search") or "").strip()[:100],
            letter=(params.get("letter") or "").strip()[:8],
            status=status,
            missing=missing in ("true", "1", "on"),
        )

    @property
    def ordering(self) -> str:
        return f"{'-' if self.descending else ''}{self.sort}"


def gradebook_items(*, course_id: int) -> list[GradeItem]:
    return list(
        GradeItem.objects.filter(course_id=course_id)
        .select_related("quiz__lesson", "assignment__lesson", "category")
        .order_by("position", "id")
    )


def gradebook_categories(*, course_id: int) -> list[GradeCategory]:
    return list(GradeCategory.objects.filter(course_id=course_id).order_by("position", "id"))


def _score(entries: QuerySet[GradeEntry]) -> Subquery:
    return Subquery(
        entries.annotate(value=Coalesce("override_points", "points")).values("value")[:1]
    )


def gradebook_rows(*, course_id: int, query: GradebookQuery) -> QuerySet[CourseGrade]:
    """The course's live learners' totals (the mentors' view), filtered and sorted."""
    rows = CourseGrade.objects.filter(
        course_id=course_id, student_id__in=course_students_query(course_id=course_id)
    ).select_related("student")
    if query.search:
        rows = rows.filter(
            Q(student__name__icontains=query.search) | Q(student__email__icontains=query.search)
        )
    if query.letter:
        rows = rows.filter(letter=query.letter)
    if query.status:
        rows = rows.filter(passed=query.status == "passed")
    if query.missing:
        rows = rows.filter(missing__gt=0)
    sign = "-" if query.descending and query.sort == "name" else ""
    name_order = [f"{sign}student__name", f"{sign}student__email", f"{sign}student_id"]
    if query.sort == "name":
        return rows.order_by(*name_order)
    if query.sort == "total":
        key = F("percent")
    else:
        entries = GradeEntry.objects.filter(
            item_id=int(query.sort[5:]), student=OuterRef("student")
        )
        rows = rows.annotate(sort_score=_score(entries))
        key = F("sort_score")
    first = key.desc(nulls_last=True) if query.descending else key.asc(nulls_last=True)
    return rows.order_by(first, *name_order)


def gradebook_entries(
    *, course_id: int, student_ids: list[int]
) -> dict[tuple[int, int], GradeEntry]:
    """The entries of these learners, by (student id, item id): one query."""
    rows = GradeEntry.objects.filter(item__course_id=course_id, student_id__in=student_ids)
    return {(e.student_id, e.item_id): e for e in rows}


@dataclass
class Cell:
    item: GradeItem
    entry: GradeEntry | None

    @property
    def points(self) -> Decimal | None:
        if self.entry is None:
            return None
        if self.entry.override_points is not None:
            return self.entry.override_points
        return self.entry.points

    @property
    def held(self) -> bool:
        entry = self.entry
        return (
            entry is not None
            and entry.points is not None
            and entry.override_points is None
            and not entry.released
        )

    @property
    def overridden(self) -> bool:
        return self.entry is not None and self.entry.override_points is not None


@dataclass
class Row:
    grade: CourseGrade
    cells: list[Cell] = field(default_factory=list)


def gradebook_page_rows(
    *, course_id: int, grades: list[CourseGrade], items: list[GradeItem]
) -> list[Row]:
    entries = gradebook_entries(course_id=course_id, student_ids=[g.student_id for g in grades])
    return [
        Row(grade=g, cells=[Cell(i, entries.get((g.student_id, i.pk))) for i in items])
        for g in grades
    ]


def gradebook_export_rows(
    *, course_id: int, query: GradebookQuery, items: list[GradeItem], chunk: int = 500
) -> Iterator[Row]:
    """Every matching learner, in order, read ``chunk`` at a time from a server-side cursor
    with their entries fetched per chunk: memory stays flat whatever the course's size."""
    batch: list[CourseGrade] = []
    for grade in gradebook_rows(course_id=course_id, query=query).iterator(chunk_size=chunk):
        batch.append(grade)
        if len(batch) == chunk:
            yield from gradebook_page_rows(course_id=course_id, grades=batch, items=items)
            batch = []
    if batch:
        yield from gradebook_page_rows(course_id=course_id, grades=batch, items=items)


def letters(*, course_id: int) -> list[str]:
    return [letter for letter, _minimum in scale_steps(settings_for(course_id=course_id))]


def my_course_grade(*, course_id: int, student_id: int) -> dict[str, Any]:
    """A learner's own view: released marks (and overrides) only, held ones hidden; their
    category subtotals and which items count; their total, letter and pass state."""
    grade = CourseGrade.objects.filter(course_id=course_id, student_id=student_id).first()
    items = gradebook_items(course_id=course_id)
    entries = gradebook_entries(course_id=course_id, student_ids=[student_id])
    parts = breakdown(course_id=course_id, student_id=student_id, released_only=True)
    settings_row = settings_for(course_id=course_id)
    steps = scale_steps(settings_row)
    rows = []
    for item in items:
        entry = entries.get((student_id, item.pk))
        cell = Cell(item, entry)
        visible = cell.overridden or (entry is not None and entry.released)
        points = cell.points if visible else None
        percent = (
            (points * 100 / item.max_points) if points is not None and item.max_points else None
        )
        rows.append(
            {
                "item": item,
                "points": points,
                "percent": percent,
                "letter": letter_for(percent, steps),
                "held": entry is not None and entry.points is not None and not visible,
                "counted": item.pk in parts["counted"],
            }
        )
    categories = []
    for category in gradebook_categories(course_id=course_id):
        earned, possible = parts["categories"].get(category.pk, (None, None))
        categories.append(
            {
                "category": category,
                "earned": earned,
                "possible": possible,
                "percent": (earned * 100 / possible) if earned is not None and possible else None,
            }
        )
    return {
        "grade": grade,
        "items": rows,
        "categories": categories,
        "percent": grade.released_percent if grade else None,
        "letter": grade.released_letter if grade else "",
        "passed": grade.released_passed if grade else False,
        "pass_percent": settings_row.pass_percent,
    }


def letter_for(percent: Decimal | None, steps: list[tuple[str, Decimal]]) -> str:
    """The scale's letter for one item's percentage (the totals' letters come from SQL)."""
    if percent is None:
        return ""
    for letter, minimum in steps:
        if percent >= minimum:
            return letter
    return steps[-1][0] if steps else ""


def grade_distribution(*, course_id: int) -> list[int] | None:
    """How many live learners' released totals fall in each tenth (0-9, ..., 90-100; above
    100 with extra credit counts in the last), or None while too few have one. Cached until
    a total of the course changes."""
    key = distribution_cache_key(course_id)
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    bucket = Case(
        *[When(released_percent__lt=(b + 1) * 10, then=b) for b in range(BINS - 1)],
        default=BINS - 1,
        output_field=IntegerField(),
    )
    rows = (
        CourseGrade.objects.filter(
            course_id=course_id,
            released_percent__isnull=False,
            student_id__in=course_students_query(course_id=course_id),
        )
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [0] * BINS
    for row in rows:
        counts[row["bucket"]] = row["n"]
    result = counts if sum(counts) >= DISTRIBUTION_MIN_LEARNERS else []
    cache.set(key, result, DISTRIBUTION_TTL)
    return result or None


def course_failing_student_ids(*, course_id: int) -> set[int]:
    """Students of the course whose course total so far is below the pass mark (a grade
    exists and is not passing). One query."""
    return set(
        CourseGrade.objects.filter(
            course_id=course_id, percent__isnull=False, passed=False
        ).values_list("student_id", flat=True)
    )
