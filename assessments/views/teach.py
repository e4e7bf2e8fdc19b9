"""Mentors' quiz pages: a quiz's settings and questions, the course's question banks (GIFT and
Aiken import and export), and grading answers by hand. The services check who may do what;
these pages only show the answers."""

import zoneinfo
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.selectors.authoring import course_get_for_editing, lesson_get_for_editing
from kalpla.errors import service_error_json, service_error_message, service_run
from kalpla.exceptions import ApplicationError, NotFound, PermissionDenied, ValidationError

from .. import selectors
from ..engine.presentation import right_answer
from ..forms import (
    BankForm,
    GradeForm,
    ImportForm,
    OrderingForm,
    QuizSettingsForm,
    SlotOrderForm,
)
from ..policies import grading_can_open
from ..services import banks as bank_services
from ..services import grading as grading_services
from ..services import quizzes as quiz_services


def _zone(course: Any) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(course.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _editable_quiz(request: HttpRequest, lesson_id: int) -> Any:
    lesson = lesson_get_for_editing(lesson_id=lesson_id, user=request.user)
    if lesson.kind != "quiz":
        raise NotFound(_("This lesson is not a quiz."))
    quiz = quiz_services.quiz_ensure(user=request.user, lesson=lesson)
    return selectors.quiz_get_for_editing(quiz=quiz, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    quiz = _editable_quiz(request, lesson_id)
    course = quiz.course
    with timezone.override(_zone(course)):  # dates are entered and shown in the course's zone
        form = QuizSettingsForm(request.POST or None, instance=quiz)
        if request.method == "POST" and form.is_valid():
            try:
                quiz_services.quiz_update(
                    user=request.user,
                    quiz=quiz,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                )
            except ApplicationError as exc:
                service_error_message(request, exc)
            else:
                messages.success(request, _("Quiz settings saved."))
                return redirect("assessments:teach_quiz", lesson_id=lesson_id)
        size, points = selectors.quiz_size(quiz=quiz)
        banks = list(selectors.bank_list(course=course, user=request.user))
        return render(
            request,
            "assessments/teach/quiz_edit.html",
            {
                "quiz": quiz,
                "course": course,
                "lesson": quiz.lesson,
                "form": form,
                "slots": selectors.quiz_slots(quiz=quiz),
                "banks": banks,
                "bank_questions": selectors.questions_for_picking(course=course),
                "tags": selectors.course_tags(course=course),
                "size": size,
                "points": points,
            },
            status=200 if request.method == "GET" else 400,
        )


@login_required
@require_POST
def quiz_slot_add(request: HttpRequest, lesson_id: int) -> HttpResponse:
    quiz = _editable_quiz(request, lesson_id)
    try:
        if request.POST.get("question"):
            question = selectors.question_get_for_editing(
                question_id=_int(request.POST["question"]), user=request.user
            )
            quiz_services.slot_add_question(user=request.user, quiz=quiz, question=question)
        else:
            bank = selectors.bank_get_for_editing(
                bank_id=_int(request.POST.get("bank")), user=request.user
            )
            name = request.POST.get("tag", "").strip()
            tag = selectors.bank_tag(bank=bank, name=name) if name else None
            quiz_services.slot_add_random(
                user=request.user,
                quiz=quiz,
                bank=bank,
                tag=tag,
                count=_int(request.POST.get("count")),
            )
    except ApplicationError as exc:
        service_error_message(request, exc)
    else:
        messages.success(request, _("Added to the quiz."))
    return redirect(reverse("assessments:teach_quiz", args=[lesson_id]) + "#questions")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None


@login_required
@require_POST
def quiz_slot_remove(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = selectors.slot_get_for_editing(slot_id=slot_id, user=request.user)
    lesson_id = slot.quiz.lesson_id
    quiz_services.slot_remove(user=request.user, slot=slot)
    messages.success(request, _("Removed from the quiz."))
    return redirect(reverse("assessments:teach_quiz", args=[lesson_id]) + "#questions")


@login_required
@require_POST
def quiz_slot_move(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = selectors.slot_get_for_editing(slot_id=slot_id, user=request.user)
    quiz = slot.quiz
    ids = [s.pk for s in selectors.quiz_slots(quiz=quiz)]
    i = ids.index(slot.pk)
    j = i - 1 if request.POST.get("direction") == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        quiz_services.slots_reorder(user=request.user, quiz=quiz, slot_ids=ids)
    return redirect(reverse("assessments:teach_quiz", args=[quiz.lesson_id]) + "#questions")


@login_required
@require_POST
def quiz_slot_reorder(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The editor's drag and drop (or arrows, with JavaScript): the whole new order in one
    POST. 204 for the page's script (400 with the reason), a redirect without JavaScript."""
    quiz = _editable_quiz(request, lesson_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = SlotOrderForm(request.POST)
    if form.is_valid():
        done = service_run(
            request,
            partial(
                quiz_services.slots_reorder,
                user=request.user,
                quiz=quiz,
                slot_ids=form.cleaned_data["order"],
            ),
            success=_("The new order is saved."),
            as_json=wants_json,
        )
        error = done.error
    else:
        errors = {name: [str(m) for m in problems] for name, problems in form.errors.items()}
        error = ValidationError(_("Check the new order."), errors=errors)
        if not wants_json:
            service_error_message(request, error)
    if wants_json:
        return HttpResponse(status=204) if error is None else service_error_json(error)
    return redirect(reverse("assessments:teach_quiz", args=[lesson_id]) + "#questions")


@login_required
@require_http_methods(["GET", "POST"])
def bank_list(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_get_for_editing(slug=slug, user=request.user)
    banks = selectors.bank_list(course=course, user=request.user)
    form = BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank = bank_services.bank_create(
                user=request.user, course=course, title=form.cleaned_data["title"]
            )
        except ApplicationError as exc:
            service_error_message(request, exc)
        else:
            messages.success(request, _("Question bank added."))
            return redirect("assessments:teach_bank", bank_id=bank.pk)
    return render(
        request,
        "assessments/teach/bank_list.html",
        {"course": course, "banks": banks, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bank_detail(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = selectors.bank_get_for_editing(bank_id=bank_id, user=request.user)
    import_form = ImportForm(request.POST or None, request.FILES or None, prefix="import")
    ordering_form = OrderingForm(prefix="ordering")
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and import_form.is_valid():
        try:
            report = bank_services.bank_import(
                user=request.user,
                bank=bank,
                fmt=import_form.cleaned_data["format"],
                text=import_form.cleaned_data["text"],
            )
        except ApplicationError as exc:
            service_error_message(request, exc)
            errors = exc.errors
        else:
            messages.success(
                request,
                _("%(n)d questions imported.") % {"n": len(report.saved)}
                + "".join(f" {_('Line')} {line}: {m}" for line, m in report.warnings),
            )
            return redirect("assessments:teach_bank", bank_id=bank.pk)
    return _bank_page(request, bank, import_form, ordering_form, errors)


def _bank_page(
    request: HttpRequest,
    bank: Any,
    import_form: ImportForm,
    ordering_form: OrderingForm,
    errors: dict[str, list[str]],
) -> HttpResponse:
    page = Paginator(selectors.bank_questions(bank=bank), 50).get_page(request.GET.get("page"))
    questions = [
        {"question": q, "right": right_answer(kind=q.kind, data=q.data)} for q in page.object_list
    ]
    failed = request.method == "POST"
    return render(
        request,
        "assessments/teach/bank_detail.html",
        {
            "bank": bank,
            "course": bank.course,
            "page": page,
            "questions": questions,
            "import_form": import_form,
            "ordering_form": ordering_form,
            "import_errors": errors,
        },
        status=400 if failed else 200,
    )


@login_required
@require_POST
def bank_add_ordering(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = selectors.bank_get_for_editing(bank_id=bank_id, user=request.user)
    form = OrderingForm(request.POST, prefix="ordering")
    if form.is_valid():
        try:
            bank_services.question_create(
                user=request.user,
                bank=bank,
                kind="ordering",
                text=form.cleaned_data["text"],
                data=form.data_for_engine(),
                points=form.cleaned_data["points"],
            )
        except ApplicationError as exc:
            service_error_message(request, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("assessments:teach_bank", bank_id=bank.pk)
    return _bank_page(request, bank, ImportForm(prefix="import"), form, {})


@login_required
def bank_export(request: HttpRequest, bank_id: int, fmt: str) -> HttpResponse:
    bank = selectors.bank_get_for_editing(bank_id=bank_id, user=request.user)
    result = bank_services.bank_export(user=request.user, bank=bank, fmt=fmt)
    response = HttpResponse(result.text, content_type="text/plain; charset=utf-8")
    extension = "gift" if fmt == "gift" else "txt"
    response["Content-Disposition"] = f'attachment; filename="bank-{bank.pk}.{extension}"'
    return response


@login_required
@require_POST
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get_for_editing(question_id=question_id, user=request.user)
    bank_id = question.bank_id
    bank_services.question_delete(user=request.user, question=question)
    messages.success(request, _("Question deleted."))
    return redirect("assessments:teach_bank", bank_id=bank_id)


def _grading_filters(query: Any) -> selectors.GradingFilters:
    """The queue's filters from its form: course (id), item (a quiz's or assignment's lesson
    id), status (waiting, graded) and late (yes, no); unknown values are ignored."""
    return selectors.GradingFilters(
        course_id=_id_or_none(query.get("course", "")),
        lesson_id=_id_or_none(query.get("item", "")),
        graded=query.get("status") == "graded",
        late={"yes": True, "no": False}.get(query.get("late", "")),
    )


def _id_or_none(value: str) -> int | None:
    """An id from a query string (ASCII digits that fit the database), else None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@login_required
def grading_queue(request: HttpRequest) -> HttpResponse:
    if not grading_can_open(user=request.user):
        raise PermissionDenied(_("Only mentors grade answers."))
    filters = _grading_filters(request.GET)
    answers = selectors.grading_queue(user=request.user, filters=filters)
    submissions = selectors.submissions_to_grade(user=request.user, filters=filters)
    items = selectors.grading_items(user=request.user)
    return render(
        request,
        "assessments/teach/grading_queue.html",
        {
            "page": Paginator(answers, 25).get_page(request.GET.get("page")),
            "submissions": Paginator(submissions, 25).get_page(request.GET.get("spage")),
            "courses": selectors.grading_courses(items=items),
            "items": items,
            "filters": filters,
            "late": request.GET.get("late", ""),
            "graded": filters.graded,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade_answer(request: HttpRequest, attempt_question_id: int) -> HttpResponse:
    aq = selectors.attempt_question_get_for_grading(
        attempt_question_id=attempt_question_id, user=request.user
    )
    form = GradeForm(request.POST or None, initial={"score": aq.score, "comment": aq.comment})
    previous, following = selectors.grading_neighbours(user=request.user, attempt_question=aq)
    if request.method == "POST" and form.is_valid():
        try:
            grading_services.attempt_question_grade(
                grader=request.user,
                attempt_question_id=aq.pk,
                score=Decimal(form.cleaned_data["score"]),
                comment=form.cleaned_data["comment"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            service_error_message(request, exc)
        else:
            messages.success(request, _("Grade saved."))
            if following:
                return redirect("assessments:teach_grade", attempt_question_id=following)
            return redirect("assessments:teach_grading")
    return render(
        request,
        "assessments/teach/grade.html",
        {
            "aq": aq,
            "attempt": aq.attempt,
            "quiz": aq.attempt.quiz,
            "course": aq.attempt.quiz.course,
            "form": form,
            "grader_info": aq.data.get("grader_info", ""),
            "right": right_answer(kind=aq.kind, data=aq.data),
            "previous": previous,
            "following": following,
        },
        status=400 if request.method == "POST" else 200,
    )
