# ruff: noqa: S608 - only table names and fixed expressions are put in the text; values are params
"""The gradebook's SQL: one statement per job, the same text on PostgreSQL and SQLite.

- ``entries_sql_quiz`` / ``entries_sql_assignment``: a quiz's or an assignment's marks into
  ``GradeEntry`` rows (one learner, or everyone at once), by INSERT ... ON CONFLICT DO UPDATE.
- ``course_grades_sql``: learners x items -> ``CourseGrade`` rows: missing work, released
  marks, overrides, drop-lowest per category (ROW_NUMBER), extra credit, weights, letters and
  the pass mark, for one learner or the whole course, again one upsert.
- ``breakdown_sql``: the same computation's category subtotals and counted items for one
  learner (their "My grades" page), so the rules live in one place.

How marks count (the learner's view uses released marks only; the mentors' view every mark):
an override counts as given; a mark counts when it exists (and, for the learner, is
released); work not handed in counts as 0 once its due date (the learner's extension, the
assignment's due date, the quiz's closing) has passed, and not at all before; work handed in
but not marked (or held, for the learner) does not count yet. Extra credit adds its points to
its category but not its maximum, and is never dropped. When a category of the course has a
weight, the total is the weighted mean of the categories' percentages (categories with
nothing counted yet and items without a category leave it); without weights it is points
earned over points possible.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from .models import Attempt, CourseGrade, GradeCategory, GradeEntry, GradeItem, Submission

SQL = tuple[str, list[Any]]

ENTRY = GradeEntry._meta.db_table
ITEM = GradeItem._meta.db_table
CATEGORY = GradeCategory._meta.db_table
GRADE = CourseGrade._meta.db_table
ATTEMPT = Attempt._meta.db_table
SUBMISSION = Submission._meta.db_table

# Quiz grading methods: which attempt's fraction (or their mean) is the mark.
METHOD_EXPRESSIONS = {
    "highest": "MAX(att.fraction)",
    "average": "AVG(att.fraction)",
    "first": "MAX(CASE WHEN att.first_rn = 1 THEN att.fraction END)",
    "last": "MAX(CASE WHEN att.last_rn = 1 THEN att.fraction END)",
}


def db_time(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _entry_upsert(select: str) -> str:
    return (
        f"INSERT INTO {ENTRY} (item_id, student_id, points, submitted, released, "
        "override_points, override_reason, due_at, due_counted, updated_at) "
        f"{select} "
        "ON CONFLICT (item_id, student_id) DO UPDATE SET points = excluded.points, "
        "submitted = excluded.submitted, released = excluded.released, "
        "updated_at = excluded.updated_at"
    )


def entries_sql_quiz(
    *, item: GradeItem, quiz_id: int, method: str, released: bool, now: datetime,
    student_id: int | None,
) -> SQL:  # fmt: skip
    """Each learner's mark from their graded attempts (fraction of the attempt's own maximum,
    by the grading method, times the item's maximum); ``submitted`` once any attempt is."""
    who = " AND a.student_id = %s" if student_id is not None else ""
    who_params = [student_id] if student_id is not None else []
    sql = (
        "WITH att AS ("
        " SELECT a.student_id, a.score * 1.0 / a.max_score AS fraction,"
        "  ROW_NUMBER() OVER (PARTITION BY a.student_id ORDER BY a.number) AS first_rn,"
        "  ROW_NUMBER() OVER (PARTITION BY a.student_id ORDER BY a.number DESC) AS last_rn"
        f" FROM {ATTEMPT} a WHERE a.quiz_id = %s AND a.is_preview = %s AND a.state = %s"
        f"  AND a.max_score > 0 AND a.score IS NOT NULL{who}"
        "), handed AS ("
        f" SELECT DISTINCT a.student_id FROM {ATTEMPT} a"
        f" WHERE a.quiz_id = %s AND a.is_preview = %s AND a.state <> %s{who}"
        "), per AS ("
        f" SELECT h.student_id, {METHOD_EXPRESSIONS[method]} AS fraction"
        " FROM handed h LEFT JOIN att ON att.student_id = h.student_id"
        " GROUP BY h.student_id"
        ") "
    ) + _entry_upsert(
        "SELECT %s, per.student_id, ROUND(per.fraction * CAST(%s AS NUMERIC), 2), %s, %s,"
        " NULL, '', NULL, %s, %s FROM per WHERE 1 = 1"
    )
    params: list[Any] = [
        quiz_id, False, Attempt.State.GRADED, *who_params,
        quiz_id, False, Attempt.State.IN_PROGRESS, *who_params,
        item.pk, item.max_points, True, released, False, db_time(now),
    ]  # fmt: skip
    return sql, params


def entries_sql_assignment(
    *, item: GradeItem, assignment_id: int, now: datetime, student_id: int | None
) -> SQL:
    """Each learner's latest submission: its mark after the late penalty, released or held."""
    who = " AND s.student_id = %s" if student_id is not None else ""
    sql = _entry_upsert(
        "SELECT %s, s.student_id, s.final_score, %s,"
        " CASE WHEN s.released_at IS NULL THEN %s ELSE %s END, NULL, '', NULL, %s, %s"
        f" FROM {SUBMISSION} s WHERE s.assignment_id = %s AND s.is_latest = %s{who}"
    )
    params: list[Any] = [item.pk, True, False, True, False, db_time(now), assignment_id, True]
    if student_id is not None:
        params.append(student_id)
    return sql, params


def _pipeline(*, course_id: int, learners: SQL, now: datetime) -> SQL:
    """The CTEs from learners x items to per-learner totals (``face`` 0: every mark, the
    mentors' view; 1: released marks only, the learner's)."""
    learners_sql, learners_params = learners
    at = db_time(now)
    sql = (
        "WITH learners AS ("
        f" SELECT DISTINCT en.user_id AS student_id FROM ({learners_sql}) en"
        "), cells AS ("
        " SELECT l.student_id, i.id AS item_id, i.category_id, i.extra_credit, i.max_points,"
        "  e.points, e.override_points, COALESCE(e.submitted, %s) AS submitted,"
        "  COALESCE(e.released, %s) AS released, COALESCE(e.due_at, i.due_at) AS due_at"
        f" FROM learners l CROSS JOIN {ITEM} i"
        f" LEFT JOIN {ENTRY} e ON e.item_id = i.id AND e.student_id = l.student_id"
        " WHERE i.course_id = %s AND i.max_points > 0"
        "), scored AS ("
        " SELECT c.student_id, c.item_id, c.category_id, c.extra_credit, c.max_points,"
        "  f.face,"
        "  CASE WHEN c.override_points IS NOT NULL THEN c.override_points"
        "   WHEN c.points IS NOT NULL AND (f.face = 0 OR c.released) THEN c.points"
        "   WHEN NOT c.submitted AND NOT c.extra_credit AND c.due_at IS NOT NULL"
        "    AND c.due_at <= %s THEN 0"
        "  END AS score,"
        "  CASE WHEN c.override_points IS NULL AND c.points IS NULL AND NOT c.submitted"
        "   AND NOT c.extra_credit AND c.due_at IS NOT NULL AND c.due_at <= %s THEN 1"
        "   ELSE 0 END AS missing"
        " FROM cells c CROSS JOIN (SELECT 0 AS face UNION ALL SELECT 1 AS face) f"
        "), ranked AS ("
        " SELECT s.*,"
        "  ROW_NUMBER() OVER (PARTITION BY s.student_id, s.face, s.category_id, s.extra_credit"
        "   ORDER BY s.score * 1.0 / s.max_points, s.item_id) AS rn,"
        "  COUNT(*) OVER (PARTITION BY s.student_id, s.face, s.category_id, s.extra_credit)"
        "   AS n"
        " FROM scored s WHERE s.score IS NOT NULL"
        "), kept AS ("
        " SELECT r.student_id, r.face, r.category_id, r.item_id, r.extra_credit,"
        "  r.max_points, r.score"
        f" FROM ranked r LEFT JOIN {CATEGORY} g ON g.id = r.category_id"
        " WHERE r.extra_credit OR r.rn > COALESCE(g.drop_lowest, 0) OR r.rn >= r.n"
        "), cats AS ("
        " SELECT k.student_id, k.face, k.category_id, SUM(k.score) AS earned,"
        "  SUM(CASE WHEN k.extra_credit THEN 0 ELSE k.max_points END) AS possible"
        " FROM kept k GROUP BY k.student_id, k.face, k.category_id"
        "), weighting AS ("
        f" SELECT COUNT(*) AS weighted FROM {CATEGORY} WHERE course_id = %s AND weight > 0"
        "), totals AS ("
        " SELECT c.student_id, c.face,"
        "  CASE WHEN w.weighted > 0 THEN"
        "   SUM(CASE WHEN g.weight > 0 AND c.possible > 0"
        "    THEN g.weight * c.earned * 100.0 / c.possible END)"
        "   / NULLIF(SUM(CASE WHEN g.weight > 0 AND c.possible > 0 THEN g.weight END), 0)"
        "  ELSE SUM(c.earned) * 100.0 / NULLIF(SUM(c.possible), 0) END AS percent"
        f" FROM cats c LEFT JOIN {CATEGORY} g ON g.id = c.category_id CROSS JOIN weighting w"
        " GROUP BY c.student_id, c.face, w.weighted"
        "), missing AS ("
        " SELECT s.student_id, SUM(s.missing) AS n FROM scored s WHERE s.face = 0"
        " GROUP BY s.student_id"
        "), final AS ("
        " SELECT l.student_id,"
        "  ROUND(MAX(CASE WHEN t.face = 0 THEN t.percent END), 2) AS percent,"
        "  ROUND(MAX(CASE WHEN t.face = 1 THEN t.percent END), 2) AS released_percent"
        " FROM learners l LEFT JOIN totals t ON t.student_id = l.student_id"
        " GROUP BY l.student_id"
        ") "
    )
    params = [*learners_params, False, False, course_id, at, at, course_id]
    return sql, params


def _letter(column: str, scale: Sequence[tuple[str, Decimal]]) -> SQL:
    """CASE from the highest step down; below every step, the last letter."""
    parts = [f"CASE WHEN {column} IS NULL THEN ''"]
    params: list[Any] = []
    for letter, minimum in scale[:-1]:
        parts.append(f" WHEN {column} >= CAST(%s AS NUMERIC) THEN %s")
        params += [minimum, letter]
    parts.append(" ELSE %s END")
    params.append(scale[-1][0] if scale else "")
    return "".join(parts), params


def course_grades_sql(
    *, course_id: int, learners: SQL, now: datetime, pass_percent: Decimal,
    scale: Sequence[tuple[str, Decimal]],
) -> SQL:  # fmt: skip
    cte, params = _pipeline(course_id=course_id, learners=learners, now=now)
    letter, letter_params = _letter("f.percent", scale)
    released_letter, released_letter_params = _letter("f.released_percent", scale)
    sql = (
        cte + f"INSERT INTO {GRADE} (course_id, student_id, percent, letter, passed,"
        " released_percent, released_letter, released_passed, missing, updated_at)"
        f" SELECT %s, f.student_id, f.percent, {letter},"
        " COALESCE(f.percent >= CAST(%s AS NUMERIC), %s),"
        f" f.released_percent, {released_letter},"
        " COALESCE(f.released_percent >= CAST(%s AS NUMERIC), %s),"
        " COALESCE(m.n, 0), %s"
        " FROM final f LEFT JOIN missing m ON m.student_id = f.student_id WHERE 1 = 1"
        " ON CONFLICT (course_id, student_id) DO UPDATE SET percent = excluded.percent,"
        " letter = excluded.letter, passed = excluded.passed,"
        " released_percent = excluded.released_percent,"
        " released_letter = excluded.released_letter,"
        " released_passed = excluded.released_passed, missing = excluded.missing,"
        " updated_at = excluded.updated_at"
    )
    params += [
        course_id, *letter_params, pass_percent, False,
        *released_letter_params, pass_percent, False, db_time(now),
    ]  # fmt: skip
    return sql, params


def breakdown_sql(*, course_id: int, learners: SQL, now: datetime, face: int) -> SQL:
    """One learner's category subtotals (kind 'c') and the items that count (kind 'i')."""
    cte, params = _pipeline(course_id=course_id, learners=learners, now=now)
    sql = cte + (
        "SELECT 'c' AS kind, c.category_id, NULL AS item_id, c.earned, c.possible"
        " FROM cats c WHERE c.face = %s"
        " UNION ALL SELECT 'i', k.category_id, k.item_id, k.score, k.max_points"
        " FROM kept k WHERE k.face = %s"
    )
    return sql, [*params, face, face]
