"""Site pages of the enrollments app: enroll and unenroll (under /learning/)."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import signed_in_user
from courses.selectors.lessons import (
    course_first_lesson_id,
    course_get_by_slug,
    course_url,
    lesson_url,
)
from enrollments import selectors, services
from enrollments.cohorts.selectors import cohort_for_course
from kalpla.errors import service_error_message, service_run
from kalpla.exceptions import NotFound, ValidationError

# Refusals about the cohort send the student to the course's cohorts to choose again.
COHORT_ERRORS = ("cohort_required", "invalid_cohort", "cohort_full", "enrollment_closed")


def _chosen_cohort(request: HttpRequest, course: Any) -> Any:
    """The cohort named by the form's ``cohort`` field; None when none was named.
    ValidationError ``invalid_cohort`` for an id that is not one of the course's."""
    raw = request.POST.get("cohort", "").strip()
    if not raw:
        return None
    return cohort_for_course(course=course, cohort_id=int(raw) if raw.isdigit() else None)


@login_required
@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest, slug: str) -> HttpResponse:
    """POST enrolls. GET (e.g. back from signing in) changes nothing: the course page."""
    course = course_get_by_slug(slug=slug)
    if request.method != "POST":
        return redirect(course_url(course=course))
    user = signed_in_user(request)
    already = selectors.enrollment_get(user=user, course=course) is not None
    try:
        cohort = _chosen_cohort(request, course)
    except ValidationError as exc:
        service_error_message(request, exc)
        return redirect("enrollments:cohorts", slug=course.slug)
    # Refusals (verify your email, prerequisites, paid, the cohort's) are messages; a hidden
    # course is a 404.
    done = service_run(
        request,
        partial(services.enrollment_create, user=user, course=course, cohort=cohort),
        raises=(NotFound,),
    )
    if not done.ok:
        code = getattr(done.error, "code", "")
        if code == "email_unverified":
            return redirect("account_email")
        if code in COHORT_ERRORS:
            return redirect("enrollments:cohorts", slug=course.slug)
        return redirect(course_url(course=course))
    if not already:
        messages.success(
            request,
            _("You are enrolled in “%(title)s”. Enjoy the course!") % {"title": course.title},
        )
    lesson_id = course_first_lesson_id(course=course)
    if lesson_id is None:
        return redirect(course_url(course=course))
    return redirect(lesson_url(course=course, lesson_id=lesson_id))


@login_required
def unenroll(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: a confirmation page; POST: unenroll and go home."""
    course = course_get_by_slug(slug=slug)
    enrollment = selectors.enrollment_get(user=signed_in_user(request), course=course)
    if enrollment is None:
        messages.info(request, _("You are not enrolled in this course."))
        return redirect(course_url(course=course))
    if request.method == "POST":
        services.enrollment_cancel(enrollment=enrollment)
        messages.success(
            request,
            _("You left “%(title)s”. Your progress is kept if you come back.")
            % {"title": course.title},
        )
        return redirect(reverse("home"))
    return render(
        request,
        "enrollments/unenroll.html",
        {"course": course, "enrollment": enrollment, "course_url": course_url(course=course)},
    )
