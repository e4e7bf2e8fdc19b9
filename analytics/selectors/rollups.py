"""Reads of the daily rollups: the figures of the dashboards and the analytics API.

Everything here reads the rollup tables (never the raw events) in a fixed number of queries
whatever the range or the number of events, and returns plain JSON-able data (money as
decimal strings) that is cached per range. The cache key carries the version of
``ROLLUP_CACHE_SCOPE``; ``analytics.services.rollups.rollup_day`` moves it on, the one
place that retires cached figures.

A period is a range of whole UTC days, both ends included; "previous" is the period of the
same length just before it (the comparison beside each headline figure).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.models import (
    CourseCompletion,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    PersonDay,
    RevenueDay,
    SiteDay,
)
from analytics.policies import (
    analytics_can_view_course,
    analytics_can_view_platform,
    analytics_can_view_some_course,
)
from courses.selectors.authoring import teach_course_list
from courses.selectors.lessons import course_get_by_slug, course_list
from courses.selectors.outline import course_outline_modules
from kalpla.cache import cache_version
from kalpla.exceptions import PermissionDenied, ValidationError

if TYPE_CHECKING:
    from courses.models import Course

ROLLUP_CACHE_SCOPE = "analytics:rollups"
CACHE_SECONDS = 3600
PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)
T = TypeVar("T")


# --- periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def period_make(
    *, start: date | None = None, end: date | None = None, days: int | None = None
) -> Period:
    """The period asked for: ``days`` (a preset) ending today, or ``start``..``end`` (either
    may be left out: ``end`` defaults to today, ``start`` to 30 days before ``end``).
    ValidationError naming the field (``from``, ``to``, ``days``) when it makes no sense."""
    today = timezone.localdate()
    if days is not None:
        if days not in PRESETS:
            raise ValidationError(
                _("Choose 7, 30 or 90 days."), errors={"days": [_("Not a preset.")]}
            )
        return Period(today - timedelta(days=days - 1), today)
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    errors: dict[str, list[str]] = {}
    if end > today:
        errors["to"] = [_("The end cannot be in the future.")]
    if start > end:
        errors["from"] = [_("The start must be on or before the end.")]
    elif (end - start).days + 1 > MAX_DAYS:
        errors["from"] = [_("A range is at most %(days)s days.") % {"days": MAX_DAYS}]
    if start < EARLIEST:
        errors["from"] = [_("Pick a date from 2000 on.")]
    if errors:
        raise ValidationError(_("Please correct the date range."), errors=errors)
    return Period(start, end)


def delta_percent(value: float | None, previous: float | None) -> float | None:
    """The change from ``previous`` to ``value`` in percent (one decimal); None when there is
    nothing to compare with (no previous figure, or it was 0)."""
    if value is None or previous is None or previous == 0:
        return None
    return round((value - previous) / previous * 100, 1)


def _ratio(part: float, whole: float, digits: int = 4) -> float | None:
    return round(part / whole, digits) if whole else None


def _cached(key: str, build: Callable[[], T]) -> T:
    full = f"analytics:{cache_version(ROLLUP_CACHE_SCOPE)}:{key}"
    found = cache.get(full)
    if found is None:
        found = build()
        cache.set(full, found, CACHE_SECONDS)
    return found


def _headline(key: str, label: str, value: Any, previous: Any, unit: str = "") -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "value": value,
        "previous": previous,
        "delta": delta_percent(
            None if value is None else float(value), None if previous is None else float(previous)
        ),
        "unit": unit,
    }


# --- the platform --------------------------------------------------------------------------

SITE_FIELDS = ("dau", "wau", "mau", "signups", "enrollments", "completions")
FUNNEL_STEPS = ("catalogue", "course_page", "enrolled", "paid")


def _funnel_labels() -> dict[str, str]:
    return {
        "catalogue": _("Viewed the catalogue"),
        "course_page": _("Viewed a course page"),
        "enrolled": _("Enrolled"),
        "paid": _("Paid"),
    }


def _site_totals(period: Period) -> dict[str, Any]:
    days = SiteDay.objects.filter(day__range=(period.start, period.end))
    totals = days.aggregate(
        signups=Sum("signups"), enrollments=Sum("enrollments"), completions=Sum("completions")
    )
    people = PersonDay.objects.filter(day__range=(period.start, period.end)).aggregate(
        active=Count("user_id", distinct=True),
        **{step: Count("person", filter=Q(**{step: True}), distinct=True) for step in FUNNEL_STEPS},
    )
    return {**{k: v or 0 for k, v in totals.items()}, **people}


def _revenue(period: Period) -> dict[str, dict[str, Any]]:
    rows = (
        RevenueDay.objects.filter(day__range=(period.start, period.end))
        .values("currency")
        .annotate(
            payments=Sum("payments"),
            revenue=Sum("revenue"),
            refunds=Sum("refunds"),
            refunded=Sum("refunded"),
        )
        .order_by("currency")
    )
    return {r["currency"]: dict(r) for r in rows}


def _money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def funnel_rows(totals: dict[str, int]) -> list[dict[str, Any]]:
    """Distinct people per step, with the share of the previous step and of the first."""
    labels = _funnel_labels()
    rows = []
    first = totals.get(FUNNEL_STEPS[0], 0)
    previous = None
    for step in FUNNEL_STEPS:
        people = totals.get(step, 0)
        rows.append(
            {
                "step": step,
                "label": labels[step],
                "people": people,
                "of_previous": None if previous is None else _ratio(people, previous),
                "of_first": _ratio(people, first),
            }
        )
        previous = people
    return rows


def _platform_build(period: Period) -> dict[str, Any]:
    prev = period.previous()
    now, before = _site_totals(period), _site_totals(prev)
    by_day = {
        row["day"]: row
        for row in SiteDay.objects.filter(day__range=(period.start, period.end)).values(
            "day", *SITE_FIELDS
        )
    }
    daily = [
        {"day": d.isoformat(), **{f: by_day.get(d, {}).get(f, 0) for f in SITE_FIELDS}}
        for d in period.each_day()
    ]
    revenue, revenue_before = _revenue(period), _revenue(prev)
    revenue_rows = []
    for currency in sorted(set(revenue) | set(revenue_before)):
        row = revenue.get(currency, {})
        old = revenue_before.get(currency, {})
        net = (row.get("revenue") or Decimal(0)) - (row.get("refunded") or Decimal(0))
        old_net = (old.get("revenue") or Decimal(0)) - (old.get("refunded") or Decimal(0))
        revenue_rows.append(
            {
                "currency": currency,
                "payments": row.get("payments") or 0,
                "revenue": _money(row.get("revenue")),
                "refunds": row.get("refunds") or 0,
                "refunded": _money(row.get("refunded")),
                "net": _money(net),
                "previous_net": _money(old_net),
                "delta": delta_percent(float(net), float(old_net)),
            }
        )
    revenue_daily = [
        {
            "day": r["day"].isoformat(),
            "currency": r["currency"],
            "revenue": _money(r["revenue"]),
            "refunded": _money(r["refunded"]),
        }
        for r in RevenueDay.objects.filter(day__range=(period.start, period.end))
        .order_by("day", "currency")
        .values("day", "currency", "revenue", "refunded")
    ]
    avg_dau = round(sum(r["dau"] for r in daily) / period.days, 1)
    prev_dau = SiteDay.objects.filter(day__range=(prev.start, prev.end)).aggregate(s=Sum("dau"))
    return {
        "period": period.as_json(),
        "previous": prev.as_json(),
        "headline": [
            _headline("active_users", _("Active users"), now["active"], before["active"]),
            _headline(
                "average_dau",
                _("Average daily active users"),
                avg_dau,
                round((prev_dau["s"] or 0) / prev.days, 1),
            ),
            _headline("signups", _("Sign-ups"), now["signups"], before["signups"]),
            _headline("enrollments", _("Enrollments"), now["enrollments"], before["enrollments"]),
            _headline("completions", _("Completions"), now["completions"], before["completions"]),
            _headline("paying_people", _("Paying people"), now["paid"], before["paid"]),
        ],
        "daily": daily,
        "revenue": revenue_rows,
        "revenue_daily": revenue_daily,
        "funnel": funnel_rows(now),
    }


def platform_overview(*, user: Any, period: Period) -> dict[str, Any]:
    """The staff dashboard's figures for ``period`` (cached); PermissionDenied for others."""
    if not analytics_can_view_platform(user=user):
        raise PermissionDenied(_("Only staff see the platform's analytics."))
    return _cached(f"platform:{period.start}:{period.end}", lambda: _platform_build(period))


# --- courses -------------------------------------------------------------------------------

COURSE_SUMS = (
    "enrollments",
    "completions",
    "lesson_views",
    "watch_seconds",
    "quiz_submissions",
    "quiz_graded",
    "quiz_score_sum",
    "ratings",
    "rating_sum",
)


def analytics_course_list(*, user: Any) -> QuerySet[Course]:
    """The courses whose analytics ``user`` may read: all for staff, the ones they teach for
    mentors; PermissionDenied for everyone else."""
    if analytics_can_view_platform(user=user):
        return course_list().order_by("title", "id")
    if not analytics_can_view_some_course(user=user):
        raise PermissionDenied(_("Analytics are for staff and mentors."))
    return teach_course_list(user=user).select_related(None).order_by("title", "id")


def analytics_course_get(*, user: Any, slug: str) -> Course:
    """The course by slug if ``user`` may read its analytics (Http404 when there is none,
    PermissionDenied when it is not theirs)."""
    if not analytics_can_view_some_course(user=user):
        raise PermissionDenied(_("Analytics are for staff and mentors."))
    course = course_get_by_slug(slug=slug)
    if not analytics_can_view_course(user=user, course=course):
        raise PermissionDenied(_("You can only see the analytics of courses you teach."))
    return course


def _course_sums(course_ids: list[int], period: Period) -> dict[int, dict[str, Any]]:
    rows = (
        CourseDay.objects.filter(course_id__in=course_ids, day__range=(period.start, period.end))
        .values("course_id")
        .annotate(**{f: Sum(f) for f in COURSE_SUMS})
        .order_by()
    )
    learners = (
        CourseLearnerDay.objects.filter(
            course_id__in=course_ids, day__range=(period.start, period.end)
        )
        .values("course_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    sums = {cid: dict.fromkeys(COURSE_SUMS, 0) | {"active_learners": 0} for cid in course_ids}
    for row in cast(Iterable[dict[str, Any]], rows):
        sums[row["course_id"]].update({f: row[f] or 0 for f in COURSE_SUMS})
    for row in cast(Iterable[dict[str, Any]], learners):
        sums[row["course_id"]]["active_learners"] = row["n"]
    return sums


def _figures(s: dict[str, Any]) -> dict[str, Any]:
    """The derived figures of some sums: rates and averages."""
    avg_score = _ratio(s["quiz_score_sum"], s["quiz_graded"])
    avg_rating = _ratio(s["rating_sum"], s["ratings"], 2)
    return {
        "enrollments": s["enrollments"],
        "active_learners": s["active_learners"],
        "completions": s["completions"],
        "completion_rate": _ratio(s["completions"], s["enrollments"]),
        "lesson_views": s["lesson_views"],
        "watch_seconds": int(s["watch_seconds"]),
        "quiz_submissions": s["quiz_submissions"],
        "average_score": avg_score,
        "ratings": s["ratings"],
        "average_rating": avg_rating,
    }


def course_figures_in_bulk(*, course_ids: Iterable[int], period: Period) -> dict[int, dict]:
    """Each course's figures over ``period`` (two queries however many courses)."""
    ids = list(course_ids)
    return {cid: _figures(s) for cid, s in _course_sums(ids, period).items()} if ids else {}


def median_seconds(*, course_id: int, period: Period) -> int | None:
    """The median time from enrollment to completion of the course's completions in the
    period (two queries: the count, then the middle row or two)."""
    rows = CourseCompletion.objects.filter(
        course_id=course_id, day__range=(period.start, period.end)
    ).exclude(duration_seconds=None)
    n = rows.count()
    if not n:
        return None
    middle = [
        int(v or 0)
        for v in rows.order_by("duration_seconds").values_list("duration_seconds", flat=True)[
            (n - 1) // 2 : n // 2 + 1
        ]
    ]
    return round(sum(middle) / len(middle))


def _course_build(course_id: int, period: Period) -> dict[str, Any]:
    prev = period.previous()
    now = _figures(_course_sums([course_id], period)[course_id])
    before = _figures(_course_sums([course_id], prev)[course_id])
    now["median_seconds"] = median_seconds(course_id=course_id, period=period)
    before["median_seconds"] = median_seconds(course_id=course_id, period=prev)
    labels = {
        "enrollments": (_("Enrollments"), ""),
        "active_learners": (_("Active learners"), ""),
        "completions": (_("Completions"), ""),
        "completion_rate": (_("Completion rate"), "ratio"),
        "lesson_views": (_("Lesson views"), ""),
        "watch_seconds": (_("Watch time"), "seconds"),
        "quiz_submissions": (_("Quiz submissions"), ""),
        "average_score": (_("Average quiz score"), "ratio"),
        "ratings": (_("Ratings"), ""),
        "average_rating": (_("Average rating"), "stars"),
        "median_seconds": (_("Median time to complete"), "seconds"),
    }
    by_day = {
        r["day"]: r
        for r in CourseDay.objects.filter(
            course_id=course_id, day__range=(period.start, period.end)
        ).values("day", "active_learners", *COURSE_SUMS)
    }
    daily = []
    for d in period.each_day():
        row = by_day.get(d) or dict.fromkeys(COURSE_SUMS, 0) | {"active_learners": 0}
        figures = _figures(row)
        daily.append(
            {
                "day": d.isoformat(),
                **{
                    k: figures[k]
                    for k in (
                        "enrollments",
                        "active_learners",
                        "completions",
                        "lesson_views",
                        "watch_seconds",
                        "quiz_submissions",
                        "average_score",
                        "ratings",
                        "average_rating",
                    )
                },
            }
        )
    return {
        "period": period.as_json(),
        "previous": prev.as_json(),
        "headline": [
            _headline(key, label, now[key], before[key], unit)
            for key, (label, unit) in labels.items()
        ],
        "daily": daily,
    }


def course_overview(*, course: Course, period: Period) -> dict[str, Any]:
    """One course's figures over ``period`` with the previous period's (cached). The caller
    got ``course`` from ``analytics_course_get`` (the access rule)."""
    return _cached(
        f"course:{course.pk}:{period.start}:{period.end}",
        lambda: _course_build(course.pk, period),
    )


def _lessons_build(course: Course, period: Period) -> list[dict[str, Any]]:
    done: dict[int, dict[str, Any]] = {
        r["lesson_id"]: dict(r)
        for r in CourseLessonDay.objects.filter(
            course_id=course.pk, day__range=(period.start, period.end)
        )
        .values("lesson_id")
        .annotate(views=Sum("views"), completions=Sum("completions"))
        .order_by()
    }
    rows: list[dict[str, Any]] = []
    first = None
    previous = None
    for module in course_outline_modules(course=course):
        for lesson in module.lesson_list:  # type: ignore[attr-defined]
            figures: dict[str, Any] = done.get(lesson.pk, {})
            completed = figures.get("completions") or 0
            if first is None:
                first = completed
            rows.append(
                {
                    "position": len(rows) + 1,
                    "lesson_id": lesson.pk,
                    "module": module.title,
                    "title": lesson.title,
                    "views": figures.get("views") or 0,
                    "completed": completed,
                    "of_first": _ratio(completed, first),
                    "drop_from_previous": None if previous is None else previous - completed,
                }
            )
            previous = completed
    return rows


def course_lesson_dropoff(*, course: Course, period: Period) -> list[dict[str, Any]]:
    """The course's lessons in outline order with the learners who completed each in the
    period (lesson_completed is reported once per learner and lesson, so the sum is people),
    the share of the first lesson's and the drop from the lesson before (cached)."""
    return _cached(
        f"lessons:{course.pk}:{period.start}:{period.end}",
        lambda: _lessons_build(course, period),
    )
