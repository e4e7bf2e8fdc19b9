"""Quiz pages for students: the start page, the attempt (a page of questions at a time, or all
on one), the confirmation before submitting and the review. Every page works without
JavaScript; static/js/quiz.js adds autosave, the countdown and its warning."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.markdown import render_markdown
from courses.selectors.lessons import lesson_get
from kalpla.errors import service_error_message
from kalpla.exceptions import ApplicationError, NotFound

from .. import selectors
from ..forms import answers_from_form
from ..models import Attempt, Quiz
from ..services import attempts as attempt_services


def _quiz(lesson_id: int) -> Quiz:
    lesson = lesson_get(lesson_id=lesson_id)
    quiz = selectors.quiz_for_lesson(lesson_id=lesson.pk) if lesson.kind == "quiz" else None
    if quiz is None:
        raise NotFound(_("This lesson has no quiz."))
    return quiz


def _lesson_url(quiz: Quiz) -> str:
    return reverse("courses:lesson", args=[quiz.course.slug, quiz.lesson_id])


@login_required
@require_http_methods(["GET", "POST"])
def quiz_start(request: HttpRequest, lesson_id: int) -> HttpResponse:
    quiz = _quiz(lesson_id)
    now = timezone.now()
    _preview, refusal = attempt_services.start_refusal(quiz=quiz, user=request.user, now=now)
    if refusal is not None and refusal.code in ("not_found", "not_enrolled", "not_released"):
        raise refusal
    if request.method == "POST":
        try:
            attempt = attempt_services.attempt_start(quiz=quiz, user=request.user)
        except ApplicationError as exc:
            service_error_message(request, exc)
            return redirect(request.path)
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    summary = selectors.quiz_summary(quiz=quiz, user=request.user)
    return render(
        request,
        "assessments/quiz_start.html",
        {
            "quiz": quiz,
            "summary": summary,
            "instructions_html": render_markdown(quiz.instructions),
            "refusal": refusal,
            "lesson_url": _lesson_url(quiz),
            "course": quiz.course,
        },
    )


def _page_of(view: dict[str, Any], page: int) -> list[dict[str, Any]]:
    """The page's questions, with what the form template needs besides the view."""
    return [_for_form(q) for q in view["questions"] if q["page"] == page]


def _for_form(q: dict[str, Any]) -> dict[str, Any]:
    return {
        **q,
        "position_str": str(q["position"]),
        "number": q["position"] + 1,
        "places": range(1, len(q.get("items", [])) + 1),
    }


@login_required
@require_http_methods(["GET", "POST"])
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_services.attempt_get_current(attempt_id=attempt_id, user=request.user)
    if attempt.student_id != request.user.pk:
        raise NotFound(_("Not found."))
    if attempt.state != Attempt.State.IN_PROGRESS:
        return redirect("assessments:attempt_review", attempt_id=attempt.pk)
    view = selectors.attempt_view(attempt=attempt, viewer=request.user)
    page = _page_number(request, view)
    if request.method == "POST":
        return _save_page(request, attempt, view, page)
    return _render_page(request, attempt, view, page)


def _page_number(request: HttpRequest, view: dict[str, Any]) -> int:
    raw = request.POST.get("page") if request.method == "POST" else request.GET.get("page")
    if raw is None:
        return min(view["current_page"], view["pages"] - 1)
    return int(raw) if raw.isdigit() and int(raw) < view["pages"] else 0


def _render_page(
    request: HttpRequest, attempt: Attempt, view: dict[str, Any], page: int, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "view": view,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "page": page,
            "questions": _page_of(view, page),
            "immediate": view["behaviour"] == Quiz.Behaviour.IMMEDIATE,
            "has_previous": page > 0,
            "has_next": page < view["pages"] - 1,
            "lesson_url": _lesson_url(attempt.quiz),
            "api_answers": reverse("api:attempt-answers", args=[attempt.pk]),
        },
        status=status,
    )


def _save_page(
    request: HttpRequest, attempt: Attempt, view: dict[str, Any], page: int
) -> HttpResponse:
    questions = _page_of(view, page)
    action = request.POST.get("action", "save")
    target = page + 1 if action == "next" else page - 1 if action == "previous" else page
    target = max(0, min(target, view["pages"] - 1))
    try:
        responses = answers_from_form(request.POST, questions)
        attempt_services.attempt_answers_save(
            attempt_id=attempt.pk, user=request.user, responses=responses, page=target
        )
        if action.startswith("check-"):
            position = int(action.removeprefix("check-") or -1)
            attempt_services.attempt_question_check(
                attempt_id=attempt.pk,
                user=request.user,
                position=position,
                response=responses.get(position),
            )
    except (ApplicationError, ValueError) as exc:
        if isinstance(exc, ApplicationError):
            service_error_message(request, exc)
            if exc.code in ("time_up", "attempt_closed"):
                return redirect("assessments:attempt_review", attempt_id=attempt.pk)
        view = selectors.attempt_view(attempt=attempt, viewer=request.user)
        return _render_page(request, attempt, view, page, status=400)
    if action == "finish":
        return redirect("assessments:attempt_finish", attempt_id=attempt.pk)
    url = reverse("assessments:attempt", args=[attempt.pk])
    return redirect(f"{url}?page={target}")


@login_required
@require_http_methods(["GET", "POST"])
def attempt_finish(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_services.attempt_get_current(attempt_id=attempt_id, user=request.user)
    if attempt.student_id != request.user.pk:
        raise NotFound(_("Not found."))
    if attempt.state != Attempt.State.IN_PROGRESS:
        return redirect("assessments:attempt_review", attempt_id=attempt.pk)
    if request.method == "POST":
        attempt_services.attempt_submit(attempt_id=attempt.pk, user=request.user)
        messages.success(request, _("Your attempt is submitted."))
        return redirect("assessments:attempt_review", attempt_id=attempt.pk)
    view = selectors.attempt_view(attempt=attempt, viewer=request.user)
    return render(
        request,
        "assessments/attempt_finish.html",
        {
            "attempt": attempt,
            "view": view,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "counts": selectors.question_counts(attempt=attempt),
            "lesson_url": _lesson_url(attempt.quiz),
        },
    )


@login_required
def attempt_review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_services.attempt_get_current(attempt_id=attempt_id, user=request.user)
    if attempt.state == Attempt.State.IN_PROGRESS and attempt.student_id == request.user.pk:
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    view = selectors.attempt_view(attempt=attempt, viewer=request.user)
    return render(
        request,
        "assessments/attempt_review.html",
        {
            "attempt": attempt,
            "view": view,
            "questions": [_for_form(q) for q in view["questions"]],
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "lesson_url": _lesson_url(attempt.quiz),
            "grading": attempt.state == Attempt.State.SUBMITTED,
            "api_attempt": reverse("api:attempt", args=[attempt.pk]),
        },
    )


@login_required
@require_POST
def attempt_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The countdown's own submit when time runs out (the server would do it anyway)."""
    attempt_services.attempt_submit(attempt_id=attempt_id, user=request.user, time_up=True)
    return redirect("assessments:attempt_review", attempt_id=attempt_id)
