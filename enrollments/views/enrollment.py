"""Site pages of the enrollments app: enroll and unenroll (under /learning/)."""

from functools import partial

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
from kalpla.errors import service_run
from kalpla.exceptions import NotFound


@login_required
@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest, slug: str) -> HttpResponse:
    """POST enrolls. GET (e.g. back from signing in) changes nothing: the course page."""
    course = course_get_by_slug(slug=slug)
    if request.method != "POST":
        return redirect(course_url(course=course))
    user = signed_in_user(request)
    already = selectors.enrollment_get(user=user, course=course) is not None
    # Refusals (verify your email, prerequisites, paid) are messages; a hidden course is a 404.
    done = service_run(
        request, partial(services.enrollment_create, user=user, course=course), raises=(NotFound,)
    )
    if not done.ok:
        if getattr(done.error, "code", "") == "email_unverified":
            return redirect("account_email")
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
