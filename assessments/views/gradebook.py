"""The gradebook pages: the mentors' table (sort, filter, override a cell, CSV export) and
settings (pass mark, letter scale, categories, each item's category), and a learner's "My
grades" with the class's anonymous distribution. Every page works without JavaScript."""

import csv
from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.selectors.authoring import course_get_for_editing
from courses.selectors.lessons import course_published_list
from enrollments.selectors import enrollment_get
from kalpla.errors import service_error_message, service_run
from kalpla.exceptions import NotFound, ValidationError

from .. import selectors_gradebook as gb
from ..forms import GradebookSettingsForm, GradeCategoryForm, GradeItemForm, GradeOverrideForm
from ..models import GradeCategory, GradeItem
from ..services import gradebook_admin as admin_services
from ..services.gradebook import settings_for
from .gradebook_chart import distribution_chart

PAGE_SIZE = 50


def _query(request: HttpRequest) -> gb.GradebookQuery:
    try:
        return gb.GradebookQuery.parse(request.GET)
    except ValidationError as exc:
        service_error_message(request, exc)
        return gb.GradebookQuery()


def _override_form(request: HttpRequest, course: Any, items: list[GradeItem]) -> Any:
    """The override form for the cell named by ``?cell=<student id>-<item id>``."""
    raw = request.GET.get("cell", "")
    student_id, _sep, item_id = raw.partition("-")
    if not (student_id.isdigit() and item_id.isdigit()):
        return None
    item = next((i for i in items if i.pk == int(item_id)), None)
    if item is None:
        return None
    entries = gb.gradebook_entries(course_id=course.pk, student_ids=[int(student_id)])
    cell = gb.Cell(item, entries.get((int(student_id), item.pk)))
    form = GradeOverrideForm(
        initial={
            "item": item.pk,
            "student": int(student_id),
            "points": cell.entry.override_points if cell.entry else None,
            "reason": cell.entry.override_reason if cell.entry else "",
        }
    )
    return {"form": form, "item": item, "cell": cell}


@login_required
@require_GET
def gradebook(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_get_for_editing(slug=slug, user=request.user)
    query = _query(request)
    items = gb.gradebook_items(course_id=course.pk)
    page = Paginator(gb.gradebook_rows(course_id=course.pk, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = gb.gradebook_page_rows(course_id=course.pk, grades=list(page.object_list), items=items)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("cell", None)
    unsorted = params.copy()
    unsorted.pop("ordering", None)
    return render(
        request,
        "assessments/teach/gradebook.html",
        {
            "course": course,
            "items": items,
            "rows": rows,
            "page": page,
            "query": query,
            "letters": gb.letters(course_id=course.pk),
            "params": params.urlencode(),
            "unsorted": unsorted.urlencode(),
            "override": _override_form(request, course, items),
            "sort_next": {key: _next_ordering(query, key) for key in ("name", "total")},
            "columns": [
                {"item": i, "key": f"item:{i.pk}", "next": _next_ordering(query, f"item:{i.pk}")}
                for i in items
            ],
        },
    )


def _next_ordering(query: gb.GradebookQuery, key: str) -> str:
    """A column's ordering when clicked: ascending, descending when it is already so."""
    return f"-{key}" if query.sort == key and not query.descending else key


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(course: Any, query: gb.GradebookQuery) -> Iterator[str]:
    items = gb.gradebook_items(course_id=course.pk)
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [
            _("Name"),
            _("Email"),
            *[i.title for i in items],
            _("Total (%)"),
            _("Letter"),
            _("Passed"),
            _("Missing"),
        ]
    )
    for row in gb.gradebook_export_rows(course_id=course.pk, query=query, items=items):
        grade = row.grade
        yield writer.writerow(
            [
                grade.student.name,
                grade.student.email,
                *["" if c.points is None else c.points for c in row.cells],
                "" if grade.percent is None else grade.percent,
                grade.letter,
                "yes" if grade.passed else "no",
                grade.missing,
            ]
        )


@login_required
@require_GET
def gradebook_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The table as CSV (the page's filters and sort), streamed row by row."""
    course = course_get_for_editing(slug=slug, user=request.user)
    response = StreamingHttpResponse(
        _csv_lines(course, _query(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="gradebook-{course.slug}.csv"'
    return response


@login_required
@require_POST
def gradebook_override(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_get_for_editing(slug=slug, user=request.user)
    form = GradeOverrideForm(request.POST)
    back = reverse("assessments:gradebook", args=[course.slug])
    if not form.is_valid():
        service_error_message(
            request, ValidationError(_("Give points (or none) and a reason."), errors={})
        )
        return redirect(back)
    data = form.cleaned_data
    item = GradeItem.objects.filter(course=course, pk=data["item"]).first()
    if item is None:
        raise NotFound(_("Not found."))
    service_run(
        request,
        partial(
            admin_services.grade_override,
            user=request.user,
            item=item,
            student_id=data["student"],
            points=data["points"],
            reason=data["reason"],
        ),
        success=_("Mark changed."),
    )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def gradebook_settings(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_get_for_editing(slug=slug, user=request.user)
    row = settings_for(course_id=course.pk)
    action = request.POST.get("action", "")
    settings_form = GradebookSettingsForm(
        request.POST if action == "settings" else None,
        initial={"pass_percent": row.pass_percent, "scale": admin_services.scale_text(row.scale)},
    )
    category_form = GradeCategoryForm(request.POST if action == "category" else None)
    here = reverse("assessments:gradebook_settings", args=[course.slug])
    if action == "settings" and settings_form.is_valid():
        done = service_run(
            request,
            partial(
                admin_services.gradebook_settings_update,
                user=request.user,
                course=course,
                **settings_form.cleaned_data,
            ),
            form=settings_form,
            success=_("Gradebook settings saved."),
        )
        if done.ok:
            return redirect(here)
    elif action == "category" and category_form.is_valid():
        category = _category(course, request.POST.get("category_id", ""))
        saved = service_run(
            request,
            partial(
                admin_services.grade_category_save,
                user=request.user,
                course=course,
                category=category,
                **category_form.cleaned_data,
            ),
            form=category_form,
            success=_("Category saved."),
        )
        if saved.ok:
            return redirect(here)
    elif action == "item":
        _item_save(request, course)
        return redirect(here)
    elif action == "delete_category":
        category = _category(course, request.POST.get("category_id", ""))
        if category is not None:
            service_run(
                request,
                partial(admin_services.grade_category_delete, user=request.user, category=category),
                success=_("Category deleted; its items have none now."),
            )
        return redirect(here)
    categories = gb.gradebook_categories(course_id=course.pk)
    return render(
        request,
        "assessments/teach/gradebook_settings.html",
        {
            "course": course,
            "settings_form": settings_form,
            "category_form": category_form,
            "categories": categories,
            "items": gb.gradebook_items(course_id=course.pk),
            "weights_total": sum((c.weight for c in categories), Decimal(0)),
        },
        status=400 if request.method == "POST" else 200,
    )


def _category(course: Any, raw: str) -> GradeCategory | None:
    if not raw.isdigit():
        return None
    category = GradeCategory.objects.filter(course=course, pk=int(raw)).first()
    if category is None:
        raise NotFound(_("Not found."))
    return category


def _item_save(request: HttpRequest, course: Any) -> None:
    form = GradeItemForm(request.POST)
    if not form.is_valid():
        service_error_message(request, ValidationError(_("Check the item."), errors={}))
        return
    item = GradeItem.objects.filter(course=course, pk=form.cleaned_data["item"]).first()
    if item is None:
        raise NotFound(_("Not found."))
    category_id = form.cleaned_data["category"]
    category = _category(course, str(category_id)) if category_id else None
    service_run(
        request,
        partial(
            admin_services.grade_item_update,
            user=request.user,
            item=item,
            category=category,
            extra_credit=form.cleaned_data["extra_credit"],
        ),
        success=_("Item saved."),
    )


@login_required
@require_GET
def my_grades(request: HttpRequest, slug: str) -> HttpResponse:
    """A learner's own grades in a course they are enrolled in (404 for anyone else)."""
    course = course_published_list().filter(slug=slug).first()
    if course is None or enrollment_get(user=request.user, course=course) is None:
        raise NotFound(_("Not found."))
    mine = gb.my_course_grade(course_id=course.pk, student_id=int(str(request.user.pk)))
    distribution = gb.grade_distribution(course_id=course.pk)
    return render(
        request,
        "assessments/my_grades.html",
        {
            "course": course,
            "mine": mine,
            "chart": distribution_chart(distribution, mine["percent"]) if distribution else None,
            "min_learners": gb.DISTRIBUTION_MIN_LEARNERS,
        },
    )
