"""The dashboards: the platform (staff, /analytics/), the courses a user may read
(/analytics/courses/) and one course's (/analytics/courses/<slug>/). Figures come from the
rollups (cached per range); each chart has its table beside it, each table a CSV export
(``?format=csv&table=<name>``, the page's range and sort)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from analytics.forms_rollups import PeriodForm, period_form
from analytics.policies import analytics_can_view_platform
from analytics.selectors.rollups import (
    PRESETS,
    Period,
    analytics_course_get,
    analytics_course_list,
    course_figures_in_bulk,
    course_lesson_dropoff,
    course_overview,
    platform_overview,
)
from analytics.tables_rollups import Column, Table, csv_response, no_such_table, table_build
from kalpla.exceptions import PermissionDenied

CHART_COLORS = ("#4f46e5", "#0d9488", "#d97706", "#be185d")


def _series_chart(
    rows: list[dict[str, Any]], keys: list[tuple[str, str]], *, title: str
) -> dict[str, Any]:
    return {
        "kind": "line",
        "title": title,
        "x": [r["day"] for r in rows],
        "series": [
            {"label": label, "values": [r.get(key) for r in rows], "color": CHART_COLORS[n % 4]}
            for n, (key, label) in enumerate(keys)
        ],
    }


def _bar_chart(labels: list[str], values: list[Any], *, title: str, label: str) -> dict[str, Any]:
    return {
        "kind": "bars",
        "title": title,
        "x": labels,
        "series": [{"label": label, "values": values, "color": CHART_COLORS[0]}],
    }


def _period_or_form(request: HttpRequest) -> tuple[PeriodForm, Period | None]:
    form = period_form(request.GET)
    return form, form.period if form.is_valid() else None


def _answer(
    request: HttpRequest, template: str, context: dict[str, Any], tables: list[Table], name: str
) -> HttpResponseBase:
    """The page, or one of its tables as CSV when ``format=csv`` asks."""
    if request.GET.get("format") == "csv":
        wanted = request.GET.get("table", "")
        for table in tables:
            if table.name == wanted:
                return csv_response(table, filename=f"{name}-{table.name}")
        raise Http404(no_such_table())
    tables_by_name = {t.name: t for t in tables}
    return render(request, template, {**context, "presets": PRESETS, "tables": tables_by_name})


def _invalid(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page with the picker's errors and no figures (a CSV of a bad range is a 400)."""
    status = 400 if request.GET.get("format") == "csv" else 200
    return render(request, template, {**context, "presets": PRESETS, "tables": {}}, status=status)


# --- the platform --------------------------------------------------------------------------


def _site_columns() -> list[Column]:
    return [
        Column("day", _("Day"), "date"),
        Column("dau", _("Daily active")),
        Column("wau", _("Weekly active")),
        Column("mau", _("Monthly active")),
        Column("signups", _("Sign-ups")),
        Column("enrollments", _("Enrollments")),
        Column("completions", _("Completions")),
    ]


def _platform_tables(request: HttpRequest, data: dict[str, Any]) -> list[Table]:
    return [
        table_build(
            request,
            name="daily",
            caption=_("Platform figures per day"),
            columns=_site_columns(),
            rows=data["daily"],
            default_sort="-day",
        ),
        table_build(
            request,
            name="funnel",
            caption=_("Conversion funnel: distinct people per step"),
            columns=[
                Column("label", _("Step"), "text"),
                Column("people", _("People")),
                Column("of_previous", _("Of the step before"), "ratio"),
                Column("of_first", _("Of the first step"), "ratio"),
            ],
            rows=data["funnel"],
            default_sort="-people",
        ),
        table_build(
            request,
            name="revenue",
            caption=_("Revenue and refunds per currency"),
            columns=[
                Column("currency", _("Currency"), "text"),
                Column("payments", _("Payments")),
                Column("revenue", _("Revenue"), "money"),
                Column("refunds", _("Refunds")),
                Column("refunded", _("Refunded"), "money"),
                Column("net", _("Net"), "money"),
                Column("previous_net", _("Net, previous period"), "money"),
                Column("delta", _("Change (%)"), "float"),
            ],
            rows=data["revenue"],
            default_sort="currency",
        ),
    ]


def _platform_charts(data: dict[str, Any]) -> dict[str, Any]:
    currencies = sorted({r["currency"] for r in data["revenue_daily"]})
    revenue_by_day: dict[str, dict[str, float]] = {}
    for r in data["revenue_daily"]:
        revenue_by_day.setdefault(r["day"], {})[r["currency"]] = float(r["revenue"])
    revenue_rows = [{"day": d["day"], **revenue_by_day.get(d["day"], {})} for d in data["daily"]]
    return {
        "active": _series_chart(
            data["daily"],
            [("dau", _("Daily")), ("wau", _("Weekly")), ("mau", _("Monthly"))],
            title=_("Active users"),
        ),
        "growth": _series_chart(
            data["daily"],
            [
                ("signups", _("Sign-ups")),
                ("enrollments", _("Enrollments")),
                ("completions", _("Completions")),
            ],
            title=_("Sign-ups, enrollments and completions"),
        ),
        "revenue": _series_chart(
            revenue_rows, [(c, c) for c in currencies], title=_("Revenue per day")
        ),
        "funnel": _bar_chart(
            [r["label"] for r in data["funnel"]],
            [r["people"] for r in data["funnel"]],
            title=_("Conversion funnel"),
            label=_("People"),
        ),
    }


@login_required
@require_GET
def platform_dashboard(request: HttpRequest) -> HttpResponseBase:
    template = "analytics/rollups/platform.html"
    if not analytics_can_view_platform(user=request.user):
        # the selector refuses too; asked first so that a bad range is a 403 as well
        raise PermissionDenied(_("Only staff see the platform's analytics."))
    form, period = _period_or_form(request)
    if period is None:
        return _invalid(request, template, {"form": form})
    data = platform_overview(user=request.user, period=period)
    return _answer(
        request,
        template,
        {"form": form, "data": data, "charts": _platform_charts(data)},
        _platform_tables(request, data),
        "platform",
    )


# --- courses -------------------------------------------------------------------------------


def _course_figure_columns() -> list[Column]:
    return [
        Column("enrollments", _("Enrollments")),
        Column("active_learners", _("Active learners")),
        Column("completions", _("Completions")),
        Column("completion_rate", _("Completion rate"), "ratio"),
        Column("lesson_views", _("Lesson views")),
        Column("watch_seconds", _("Watch time"), "seconds"),
        Column("quiz_submissions", _("Quiz submissions")),
        Column("average_score", _("Average score"), "ratio"),
        Column("ratings", _("Ratings")),
        Column("average_rating", _("Average rating"), "float"),
    ]


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponseBase:
    template = "analytics/rollups/courses.html"
    courses = list(analytics_course_list(user=request.user).only("id", "slug", "title"))
    form, period = _period_or_form(request)
    if period is None:
        return _invalid(request, template, {"form": form})
    figures = course_figures_in_bulk(course_ids=[c.pk for c in courses], period=period)
    rows = [
        {"title": c.title, "url": reverse("analytics:course", args=[c.slug]), **figures[c.pk]}
        for c in courses
    ]
    table = table_build(
        request,
        name="courses",
        caption=_("Courses and their figures over the period"),
        columns=[Column("title", _("Course"), "text"), *_course_figure_columns()],
        rows=rows,
        default_sort="title",
        per_page=20,
    )
    return _answer(
        request,
        template,
        {
            "form": form,
            "courses": courses,
            "perms_platform": analytics_can_view_platform(user=request.user),
        },
        [table],
        "courses",
    )


def _course_charts(data: dict[str, Any], lessons: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "learners": _series_chart(
            data["daily"],
            [
                ("active_learners", _("Active learners")),
                ("enrollments", _("Enrollments")),
                ("completions", _("Completions")),
            ],
            title=_("Learners per day"),
        ),
        "engagement": _series_chart(
            data["daily"],
            [("lesson_views", _("Lesson views")), ("quiz_submissions", _("Quiz submissions"))],
            title=_("Lesson views and quiz submissions per day"),
        ),
        "dropoff": _bar_chart(
            [str(r["position"]) for r in lessons],
            [r["completed"] for r in lessons],
            title=_("Learners who completed each lesson, in outline order"),
            label=_("Completed"),
        ),
    }


def _course_tables(
    request: HttpRequest, data: dict[str, Any], lessons: list[dict[str, Any]]
) -> list[Table]:
    daily_columns = [
        Column("day", _("Day"), "date"),
        *[c for c in _course_figure_columns() if c.key not in ("completion_rate",)],
    ]
    return [
        table_build(
            request,
            name="daily",
            caption=_("Course figures per day"),
            columns=daily_columns,
            rows=data["daily"],
            default_sort="-day",
        ),
        table_build(
            request,
            name="lessons",
            caption=_("Drop-off per lesson, in outline order"),
            columns=[
                Column("position", _("#")),
                Column("module", _("Module"), "text"),
                Column("title", _("Lesson"), "text"),
                Column("views", _("Views")),
                Column("completed", _("Completed")),
                Column("of_first", _("Of the first lesson"), "ratio"),
                Column("drop_from_previous", _("Lost since the lesson before")),
            ],
            rows=lessons,
            default_sort="position",
            per_page=25,
        ),
    ]


@login_required
@require_GET
def course_dashboard(request: HttpRequest, slug: str) -> HttpResponseBase:
    template = "analytics/rollups/course.html"
    course = analytics_course_get(user=request.user, slug=slug)
    form, period = _period_or_form(request)
    if period is None:
        return _invalid(request, template, {"form": form, "course": course})
    data = course_overview(course=course, period=period)
    lessons = course_lesson_dropoff(course=course, period=period)
    return _answer(
        request,
        template,
        {
            "form": form,
            "course": course,
            "data": data,
            "charts": _course_charts(data, lessons),
        },
        _course_tables(request, data, lessons),
        f"course-{course.slug}",
    )
