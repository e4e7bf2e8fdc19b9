"""Site pages of enrollment imports (under /learning/imports/): upload a CSV, watch its run,
download the rows that failed. Staff and mentors; students get 403."""

from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import signed_in_user
from enrollments.imports.policies import enrollment_import_can_start
from enrollments.imports.selectors import (
    enrollment_import_error_report,
    enrollment_import_get,
    enrollment_import_list,
    enrollment_import_state,
)
from enrollments.imports.services import enrollment_import_create
from enrollments.models import EnrollmentImport
from kalpla.errors import service_run
from kalpla.exceptions import PermissionDenied

SAMPLE_CSV = "samples/enrollment-import.csv"
ERRORS_SHOWN = 100


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: email, course (the course's address, e.g. python-basics), and "
            "optionally cohort (its name) and name. UTF-8, one person and course per row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _require_importer(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    if not enrollment_import_can_start(user=user):
        raise PermissionDenied(_("Only staff and mentors can import enrollments."))
    return user


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload a file (POST: to its progress page) and the imports so far."""
    user = _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        done = service_run(
            request,
            partial(enrollment_import_create, user=user, file_name=upload.name, data=upload.read()),
            form=form,
            success=_("File received: the import has started."),
        )
        if done.ok:
            return redirect("enrollments:import_detail", import_id=done.result.pk)
    page = Paginator(enrollment_import_list(user=user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "enrollments/import_list.html",
        {"form": form, "page": page, "imports": page.object_list, "sample_url": static(SAMPLE_CSV)},
        status=400 if form.errors else 200,
    )


def _status_context(enrollment_import: EnrollmentImport) -> dict[str, Any]:
    status, error = enrollment_import_state(enrollment_import)
    report = reverse("enrollments:import_errors", kwargs={"import_id": enrollment_import.pk})
    return {
        "imp": enrollment_import,
        "uploaded_by": enrollment_import.created_by,
        "status": status,
        "status_label": EnrollmentImport.Status(status).label,
        "error": error,
        "error_report_url": report if enrollment_import.failed_count else None,
        "polling": status in (EnrollmentImport.Status.PENDING, EnrollmentImport.Status.RUNNING),
    }


@login_required
@require_GET
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    user = _require_importer(request)
    enrollment_import = enrollment_import_get(user=user, import_id=import_id, heavy=True)
    context = _status_context(enrollment_import)
    failed_rows = enrollment_import.errors[:ERRORS_SHOWN]
    context["failed_rows"] = failed_rows
    context["more_errors"] = max(len(enrollment_import.errors) - ERRORS_SHOWN, 0)
    return render(request, "enrollments/import_detail.html", context)


@login_required
@require_GET
def import_status(request: HttpRequest, import_id: int) -> HttpResponse:
    """The progress part of the page, which htmx asks for every two seconds while it runs."""
    user = _require_importer(request)
    enrollment_import = enrollment_import_get(user=user, import_id=import_id)
    return render(request, "enrollments/_import_status.html", _status_context(enrollment_import))


@login_required
@require_GET
def import_errors(request: HttpRequest, import_id: int) -> HttpResponse:
    user = _require_importer(request)
    enrollment_import = enrollment_import_get(user=user, import_id=import_id, heavy=True)
    name, text = enrollment_import_error_report(enrollment_import=enrollment_import)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
