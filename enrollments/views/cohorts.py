"""Site pages of cohorts (under /learning/).

Students: a course's cohorts to choose from (enroll, join or leave a waitlist, take or turn
down an offered seat). The course's instructors and staff, in the course editor's "Cohorts"
tab: the list with a form to add one, a cohort's settings, its roster and waitlist, and moving
a student to another cohort.
"""

import zoneinfo
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import signed_in_user
from courses.selectors.authoring import course_get_for_editing
from courses.selectors.lessons import course_get_by_slug, course_url
from enrollments.cohorts import selectors, services, waitlist
from enrollments.cohorts.forms import CohortForm, CohortSwitchForm
from enrollments.cohorts.policies import cohort_can_manage
from enrollments.models import Cohort
from enrollments.selectors import enrollment_get
from kalpla.errors import service_run
from kalpla.exceptions import NotFound, PermissionDenied


def _zone(course: Any) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(course.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def cohorts_url(course: Any) -> str:
    return reverse("enrollments:cohorts", kwargs={"slug": course.slug})


# --- students -------------------------------------------------------------------------------


def course_cohorts(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's cohorts with their seats and the viewer's place in each."""
    course = course_get_by_slug(slug=slug)
    manager = cohort_can_manage(user=request.user, course=course)
    if not (course.is_published or manager):
        raise NotFound(_("Not found."))
    now = timezone.now()
    places = selectors.my_places(user=request.user, course=course)
    rows = [
        {
            "cohort": cohort,
            "seats_left": selectors.seats_left(cohort),
            "open": cohort.enrollment_open(now),
            "place": places.get(cohort.pk),
        }
        for cohort in selectors.cohort_list(course=course)
    ]
    with timezone.override(_zone(course)):
        return render(
            request,
            "enrollments/cohorts.html",
            {
                "course": course,
                "course_url": course_url(course=course),
                "rows": rows,
                "enrollment": enrollment_get(user=request.user, course=course),
                "is_manager": manager,
                "zone": course.time_zone,
                "now": now,
            },
        )


def _visible_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = selectors.cohort_get(cohort_id=cohort_id)
    if not (
        cohort.course.is_published or cohort_can_manage(user=request.user, course=cohort.course)
    ):
        raise NotFound(_("No such cohort."))
    return cohort


def _waitlist_action(
    request: HttpRequest, cohort_id: int, action: Callable[..., Any], success: str
) -> HttpResponse:
    cohort = _visible_cohort(request, cohort_id)
    service_run(
        request,
        partial(action, user=signed_in_user(request), cohort=cohort),
        success=success,
        raises=(),
    )
    return redirect(cohorts_url(cohort.course))


@login_required
@require_POST
def waitlist_join(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _waitlist_action(
        request,
        cohort_id,
        waitlist.waitlist_join,
        _("You are on the waitlist. We will tell you when a seat frees up."),
    )


@login_required
@require_POST
def waitlist_leave(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _waitlist_action(
        request, cohort_id, waitlist.waitlist_leave, _("You left the waitlist.")
    )


@login_required
@require_POST
def offer_accept(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _waitlist_action(
        request, cohort_id, waitlist.waitlist_offer_claim, _("You are enrolled. Welcome!")
    )


@login_required
@require_POST
def offer_decline(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _waitlist_action(
        request,
        cohort_id,
        waitlist.waitlist_offer_decline,
        _("You turned the seat down; it goes to the next person."),
    )


# --- the course's instructors and staff -------------------------------------------------------


def _managed_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = selectors.cohort_get(cohort_id=cohort_id)
    if not cohort_can_manage(user=request.user, course=cohort.course):
        raise PermissionDenied(_("Only the course's instructors and staff manage its cohorts."))
    return cohort


@login_required
@require_http_methods(["GET", "POST"])
def teach_cohorts(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_get_for_editing(slug=slug, user=request.user)
    with timezone.override(_zone(course)):
        form = CohortForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = service_run(
                request,
                partial(
                    services.cohort_create,
                    user=signed_in_user(request),
                    course=course,
                    **form.cleaned_data,
                ),
                form=form,
                success=_("Cohort added."),
            )
            if done.ok:
                return redirect("enrollments:teach_cohorts", slug=course.slug)
        now = timezone.now()
        rows = [
            {"cohort": c, "seats_left": selectors.seats_left(c), "open": c.enrollment_open(now)}
            for c in selectors.cohort_list(course=course, include_archived=True)
        ]
        return render(
            request,
            "enrollments/teach_cohorts.html",
            {"course": course, "rows": rows, "form": form, "zone": course.time_zone},
            status=400 if request.method == "POST" else 200,
        )


@login_required
@require_http_methods(["GET", "POST"])
def teach_cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _managed_cohort(request, cohort_id)
    course = cohort.course
    with timezone.override(_zone(course)):
        form = CohortForm(request.POST or None, instance=cohort)
        if request.method == "POST" and form.is_valid():
            done = service_run(
                request,
                partial(
                    services.cohort_update,
                    user=signed_in_user(request),
                    cohort=cohort,
                    **form.cleaned_data,
                ),
                form=form,
                success=_("Cohort saved."),
            )
            if done.ok:
                return redirect("enrollments:teach_cohort_roster", cohort_id=cohort.pk)
        return render(
            request,
            "enrollments/teach_cohort.html",
            {"course": course, "cohort": cohort, "form": form, "zone": course.time_zone},
            status=400 if request.method == "POST" else 200,
        )


@login_required
def teach_cohort_roster(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _managed_cohort(request, cohort_id)
    course = cohort.course
    others = selectors.cohort_list(course=course).exclude(pk=cohort.pk)
    entries = list(selectors.cohort_waitlist(cohort=cohort))
    positions = selectors.waiting_positions(entries)
    for entry in entries:
        entry.position = positions.get(entry.pk)  # type: ignore[attr-defined]
    with timezone.override(_zone(course)):
        return render(
            request,
            "enrollments/teach_cohort_roster.html",
            {
                "course": course,
                "cohort": cohort,
                "seats_left": selectors.seats_left(cohort),
                "roster": list(selectors.cohort_roster(cohort=cohort)),
                "waitlist": entries,
                "switch_form": CohortSwitchForm(cohorts=others),
                "zone": course.time_zone,
            },
        )


@login_required
@require_POST
def teach_enrollment_cohort(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = selectors.enrollment_get_with_cohort(enrollment_id=enrollment_id)
    course = enrollment.course
    if not cohort_can_manage(user=request.user, course=course):
        raise PermissionDenied(_("Only the course's instructors and staff move students."))
    form = CohortSwitchForm(request.POST, cohorts=selectors.cohort_list(course=course))
    back = (
        reverse("enrollments:teach_cohort_roster", kwargs={"cohort_id": enrollment.cohort_id})
        if enrollment.cohort_id
        else reverse("enrollments:teach_cohorts", kwargs={"slug": course.slug})
    )
    if not form.is_valid():
        messages.error(request, _("Choose one of this course's cohorts."))
        return redirect(back)
    service_run(
        request,
        partial(
            services.enrollment_cohort_switch,
            user=signed_in_user(request),
            enrollment=enrollment,
            cohort=form.cleaned_data["cohort"],
        ),
        success=_("%(name)s moved to %(cohort)s.")
        % {"name": enrollment.user.display_name, "cohort": form.cleaned_data["cohort"].name},
        raises=(),
    )
    return redirect(back)
