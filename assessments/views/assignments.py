"""Assignment pages: the student's (instructions, dates, hand in text or a file, the receipt
and every version) and the mentors' (settings, submissions, grading with the late penalty,
releasing grades, extensions)."""

import zoneinfo
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.markdown import render_markdown
from courses.selectors.authoring import lesson_get_for_editing
from courses.selectors.lessons import lesson_get
from enrollments.access import lesson_access
from kalpla.errors import service_error_message, service_error_to_form
from kalpla.exceptions import ApplicationError, NotFound

from .. import selectors
from ..file_links import submission_file_link
from ..forms import (
    AssignmentSettingsForm,
    ExtensionForm,
    RubricForm,
    SubmissionForm,
    SubmissionGradeForm,
)
from ..models import Assignment
from ..services import assignments as services
from ..services import rubrics as rubric_services


def _zone(course: Any) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(course.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _assignment(request: HttpRequest, lesson_id: int) -> Assignment:
    """The lesson's assignment, for whoever may open the lesson (the access rule)."""
    lesson = lesson_get(lesson_id=lesson_id)
    found = selectors.assignment_for_lesson(lesson_id=lesson.pk)
    if lesson.kind != "assignment" or found is None:
        raise NotFound(_("This lesson has no assignment."))
    access = lesson_access(user=request.user, lesson=lesson)
    if not access.allowed:
        raise access.as_error()
    return found


def _views(request: HttpRequest, submissions: list[Any]) -> list[dict[str, Any]]:
    return [
        selectors.submission_view(
            submission=s, viewer=request.user, file_url=submission_file_link(submission=s)
        )
        for s in submissions
    ]


@login_required
@require_http_methods(["GET", "POST"])
def assignment_page(request: HttpRequest, lesson_id: int) -> HttpResponse:
    assignment = _assignment(request, lesson_id)
    course = assignment.course
    form = SubmissionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_create(
                user=request.user,
                assignment=assignment,
                text=form.cleaned_data["text"],
                file=form.cleaned_data["file"],
            )
        except ApplicationError as exc:
            if exc.code in ("not_found",):
                raise
            service_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Handed in: version %(v)d, received %(at)s.")
                % {
                    "v": submission.version,
                    "at": timezone.localtime(submission.submitted_at).strftime("%d %b %Y %H:%M"),
                },
            )
            return redirect("assessments:assignment", lesson_id=lesson_id)
    due, cutoff = services.dates_for(assignment=assignment, student=request.user)
    history = selectors.submission_history(assignment=assignment, student=request.user)
    now = timezone.now()
    return render(
        request,
        "assessments/assignment.html",
        {
            "assignment": assignment,
            "course": course,
            "lesson": assignment.lesson,
            "instructions_html": render_markdown(assignment.instructions),
            "form": form,
            "due": due,
            "cutoff": cutoff,
            "zone": course.time_zone,
            "late_now": services.days_late(due=due, at=now),
            "closed": cutoff is not None and now > cutoff,
            "history": _views(request, history),
        },
        status=400 if request.method == "POST" else 200,
    )


def _editable_assignment(request: HttpRequest, lesson_id: int) -> Assignment:
    lesson = lesson_get_for_editing(lesson_id=lesson_id, user=request.user)
    if lesson.kind != "assignment":
        raise NotFound(_("This lesson is not an assignment."))
    return services.assignment_ensure(user=request.user, lesson=lesson)


@login_required
@require_http_methods(["GET", "POST"])
def teach_assignment(request: HttpRequest, lesson_id: int) -> HttpResponse:
    assignment = _editable_assignment(request, lesson_id)
    course = assignment.course
    with timezone.override(_zone(course)):
        form = AssignmentSettingsForm(request.POST or None, instance=assignment)
        if request.method == "POST" and form.is_valid():
            try:
                services.assignment_update(
                    user=request.user,
                    assignment=assignment,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                )
            except ApplicationError as exc:
                service_error_to_form(form, exc)
            else:
                messages.success(request, _("Assignment settings saved."))
                return redirect("assessments:teach_assignment", lesson_id=lesson_id)
        state = request.GET.get("state", "")
        late = {"yes": True, "no": False}.get(request.GET.get("late", ""))
        rows = selectors.assignment_submissions(
            assignment=assignment,
            state=state if state in ("submitted", "graded") else "",
            late=late,
        )
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "assessments/teach/assignment.html",
            {
                "assignment": assignment,
                "course": course,
                "lesson": assignment.lesson,
                "form": form,
                "page": page,
                "state": state,
                "late": request.GET.get("late", ""),
                "extension_form": ExtensionForm(prefix="ext"),
                "rubric_form": RubricForm(prefix="rubric"),
                "rubric": _rubric_rows(assignment.rubric),
                "extensions": assignment.extensions.select_related("student").order_by("due_at"),
            },
            status=400 if request.method == "POST" else 200,
        )


@login_required
@require_http_methods(["GET", "POST"])
def grade_submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_get_for_grading(
        submission_id=submission_id, user=request.user
    )
    assignment = submission.assignment
    form = SubmissionGradeForm(
        request.POST or None,
        initial={"score": submission.score, "feedback": submission.feedback},
    )
    levels = _chosen_levels(request)
    if levels:  # graded by the rubric: the mark comes from the chosen levels
        form.fields["score"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            if levels:
                rubric_services.submission_grade_with_rubric(
                    grader=request.user,
                    submission=submission,
                    level_ids=levels,
                    feedback=form.cleaned_data["feedback"],
                    reason=form.cleaned_data["reason"],
                )
            else:
                services.submission_grade(
                    grader=request.user,
                    submission=submission,
                    score=Decimal(form.cleaned_data["score"]),
                    feedback=form.cleaned_data["feedback"],
                    reason=form.cleaned_data["reason"],
                )
        except ApplicationError as exc:
            service_error_to_form(form, exc)
        else:
            messages.success(request, _("Mark saved; release it when you are ready."))
            waiting = selectors.assignment_submissions(assignment=assignment, state="submitted")
            waiting_next = waiting.exclude(pk=submission.pk).first()
            if waiting_next is not None:
                return redirect("assessments:teach_submission", submission_id=waiting_next.pk)
            return redirect("assessments:teach_assignment", lesson_id=assignment.lesson_id)
    history = selectors.submission_history(assignment=assignment, student=submission.student)
    penalty = services.late_penalty(assignment=assignment, days=submission.days_late)
    previous, following = selectors.submission_neighbours(submission=submission)
    return render(
        request,
        "assessments/teach/submission.html",
        {
            "submission": submission,
            "assignment": assignment,
            "course": assignment.course,
            "lesson": assignment.lesson,
            "form": form,
            "penalty": penalty,
            "history": _views(request, history),
            "rubric": _rubric_rows(assignment.rubric),
            "chosen": levels
            or dict(submission.rubric_scores.values_list("criterion_id", "level_id")),
            "previous": previous,
            "following": following,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def release_grades(request: HttpRequest, lesson_id: int) -> HttpResponse:
    assignment = _editable_assignment(request, lesson_id)
    count = services.grades_release(user=request.user, assignment=assignment)
    messages.success(request, _("%(n)d grades released; the students are told.") % {"n": count})
    return redirect("assessments:teach_assignment", lesson_id=lesson_id)


@login_required
@require_POST
def grant_extension(request: HttpRequest, lesson_id: int) -> HttpResponse:
    assignment = _editable_assignment(request, lesson_id)
    with timezone.override(_zone(assignment.course)):
        form = ExtensionForm(request.POST, prefix="ext")
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
            return redirect("assessments:teach_assignment", lesson_id=lesson_id)
    student = get_user_model().objects.filter(email__iexact=form.cleaned_data["student"]).first()
    if student is None:
        messages.error(request, _("No student has this email."))
        return redirect("assessments:teach_assignment", lesson_id=lesson_id)
    try:
        services.extension_grant(
            user=request.user,
            assignment=assignment,
            student=student,
            due_at=form.cleaned_data["due_at"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as exc:
        service_error_message(request, exc)
    else:
        messages.success(request, _("Extension granted."))
    return redirect("assessments:teach_assignment", lesson_id=lesson_id)


def _chosen_levels(request: HttpRequest) -> dict[int, int]:
    """The rubric levels a grading form chose: {criterion id: level id}."""
    chosen = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        name = key.removeprefix("level-")
        if name != key and name.isdigit() and value.isdigit():
            chosen[int(name)] = int(value)
    return chosen


def _rubric_rows(rubric: Any) -> list[dict[str, Any]]:
    if rubric is None:
        return []
    return [
        {"criterion": criterion, "levels": list(criterion.levels.all())}
        for criterion in rubric.criteria.prefetch_related("levels")
    ]


@login_required
@require_POST
def create_rubric(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A rubric for the course, set on this assignment at once."""
    assignment = _editable_assignment(request, lesson_id)
    form = RubricForm(request.POST, prefix="rubric")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("assessments:teach_assignment", lesson_id=lesson_id)
    try:
        rubric = rubric_services.rubric_create(
            user=request.user,
            course=assignment.course,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
        services.assignment_update(user=request.user, assignment=assignment, rubric=rubric)
    except ApplicationError as exc:
        service_error_message(request, exc)
        for line, problems in exc.errors.items():
            messages.error(request, f"{line}: {' '.join(problems)}")
    else:
        messages.success(request, _("Rubric added and used for this assignment."))
    return redirect("assessments:teach_assignment", lesson_id=lesson_id)
