"""Site pages of the directory area: the mentor directory and profiles, the mentor's own
profile, suggestions, learner preferences, requests, "my mentorships" and the shared
mentorship page."""

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import user_is_staff
from enrollments.selectors import enrollment_list
from kalpla.errors import service_run
from kalpla.exceptions import PermissionDenied
from mentorship.forms_directory import (
    DirectoryFilterForm,
    LearnerPreferenceForm,
    MentorProfileForm,
    MentorshipRequestForm,
    ReasonForm,
)
from mentorship.models import LearnerPreference, Mentorship, MentorshipRequest
from mentorship.pages import mentorship_page_context
from mentorship.policies import mentor_can_offer
from mentorship.selectors import requests as request_selectors
from mentorship.selectors.directory import (
    DirectoryFilters,
    availability_summary,
    local_time,
    mentor_directory,
    mentor_profile_get,
    places_left,
)
from mentorship.selectors.matching import mentor_suggestions
from mentorship.services import mentorships as lifecycle
from mentorship.services import requests as request_services
from mentorship.services.profiles import (
    PROFILE_FIELDS,
    learner_preference_upsert,
    mentor_profile_get_own,
    mentor_profile_upsert,
)

PAGE_SIZE = 12


def _cards(profiles: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {
            "profile": p,
            "places_left": places_left(p),
            "local_time": f"{local_time(p, now=now):%H:%M}",
        }
        for p in profiles
    ]


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    page = None
    if valid:
        filters = form.filters() if form.is_bound else DirectoryFilters()
        rows = mentor_directory(viewer=request.user, filters=filters)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "cards": _cards(page.object_list) if page else [],
        "querystring": query.urlencode(),
        "filtered": form.is_bound,
    }
    template = "mentorship/directory/_results.html"
    if not getattr(request, "htmx", False):
        template = "mentorship/directory/list.html"
    return render(request, template, context, status=200 if valid else 400)


def _request_form_parts(request: HttpRequest, profile: Any) -> dict[str, Any]:
    courses = [e.course for e in enrollment_list(user=request.user)[:50]]
    return {"topics": profile.expertise.all(), "courses": courses}


def _profile_page(
    request: HttpRequest, profile: Any, form: MentorshipRequestForm | None, status: int = 200
) -> HttpResponse:
    user = request.user
    pending = MentorshipRequest.objects.filter(
        mentee_id=user.pk, mentor_id=profile.user_id, status=MentorshipRequest.Status.PENDING
    ).first()
    open_mentorship = Mentorship.objects.filter(
        mentee_id=user.pk, mentor_id=profile.user_id, status__in=("active", "paused")
    ).first()
    if form is None:
        form = MentorshipRequestForm(**_request_form_parts(request, profile))
    return render(
        request,
        "mentorship/directory/profile.html",
        {
            "profile": profile,
            "places_left": places_left(profile),
            "local_time": f"{local_time(profile):%H:%M}",
            "free_slots": availability_summary(profile=profile),
            "form": form,
            "pending": pending,
            "open_mentorship": open_mentorship,
            "own": profile.user_id == user.pk,
            "can_request": not (
                profile.user_id == user.pk or pending or open_mentorship or not profile.is_accepting
            ),
        },
        status=status,
    )


@login_required
@require_GET
def mentor_detail(request: HttpRequest, mentor_profile_id: int) -> HttpResponse:
    profile = mentor_profile_get(mentor_profile_id=mentor_profile_id, viewer=request.user)
    return _profile_page(request, profile, None)


@login_required
@require_POST
def mentor_request(request: HttpRequest, mentor_profile_id: int) -> HttpResponse:
    profile = mentor_profile_get(mentor_profile_id=mentor_profile_id, viewer=request.user)
    form = MentorshipRequestForm(request.POST, **_request_form_parts(request, profile))
    if not form.is_valid():
        return _profile_page(request, profile, form, status=400)
    data = form.cleaned_data
    done = service_run(
        request,
        partial(
            request_services.mentorship_request_create,
            mentee=request.user,
            mentor=profile,
            message=data["message"],
            course=form.courses.get(data["course"]) if data["course"] else None,
            topics=list(data["topics"]),
        ),
        form=form,
        success=_("Your request is on its way. You will hear back here and by notification."),
    )
    if not done.ok:
        return _profile_page(request, profile, form, status=400)
    return redirect("mentorship:requests")


def _profile_initial(profile: Any, user: Any) -> dict[str, Any]:
    if profile is None:
        return {
            "timezone": user.timezone or "UTC",
            "capacity": 5,
            "session_lengths": "30, 60",
            "is_accepting": True,
            "is_listed": True,
            "min_notice_minutes": 120,
            "buffer_minutes": 10,
            "max_sessions_per_day": 4,
            "cancel_window_hours": 12,
            "reschedule_window_hours": 12,
            "horizon_days": 28,
            "slot_step_minutes": 30,
            "languages": [user.language[:2] or "en"],
        }
    initial = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    initial["session_lengths"] = ", ".join(str(n) for n in profile.session_lengths)
    initial["expertise"] = list(profile.expertise.all())
    initial["languages"] = list(profile.languages.values_list("code", flat=True))
    return initial


def _settings_page(
    request: HttpRequest,
    form: Any,
    *,
    service: Any,
    success: str,
    done_url: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A form saved through an upsert service: re-shown with its errors, or on to
    ``done_url``."""
    if request.method == "POST" and form.is_valid():
        done = service_run(
            request,
            partial(service, user=request.user, data=form.cleaned_data),
            form=form,
            success=success,
        )
        if done.ok:
            return redirect(done_url)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest) -> HttpResponse:
    if not mentor_can_offer(request.user):
        raise PermissionDenied(_("Only mentors have a mentor profile."))
    profile = mentor_profile_get_own(user=request.user)
    form = MentorProfileForm(request.POST or None, initial=_profile_initial(profile, request.user))
    return _settings_page(
        request,
        form,
        service=mentor_profile_upsert,
        success=_("Your mentor profile is saved."),
        done_url=reverse("mentorship:my_profile"),
        template="mentorship/directory/my_profile.html",
        context={"profile": profile},
    )


@login_required
@require_GET
def suggested(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    suggestions = mentor_suggestions(student=user)
    has_preferences = LearnerPreference.objects.filter(user_id=user.pk).exists()
    return render(
        request,
        "mentorship/directory/suggested.html",
        {"suggestions": suggestions, "has_preferences": has_preferences},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    current = (
        LearnerPreference.objects.filter(user_id=user.pk).prefetch_related("interests").first()
    )
    initial: dict[str, Any] = {"languages": [user.language[:2] or "en"]}
    if current is not None:
        initial = {
            "interests": list(current.interests.all()),
            "languages": current.languages,
            "goals": current.goals,
        }
    return _settings_page(
        request,
        LearnerPreferenceForm(request.POST or None, initial=initial),
        service=learner_preference_upsert,
        success=_("Your mentoring preferences are saved. Suggestions now follow them."),
        done_url=reverse("mentorship:suggested"),
        template="mentorship/directory/preferences.html",
        context={},
    )


@login_required
@require_GET
def requests_page(request: HttpRequest) -> HttpResponse:
    incoming = list(
        request_selectors.mentorship_request_list(user=request.user, direction="incoming")[:100]
    )
    outgoing = list(
        request_selectors.mentorship_request_list(user=request.user, direction="outgoing")[:100]
    )
    return render(
        request,
        "mentorship/directory/requests.html",
        {
            "incoming": incoming,
            "outgoing": outgoing,
            "decline_form": ReasonForm(),
            "is_mentor": mentor_can_offer(request.user),
        },
    )


def _request_action(
    request: HttpRequest, mentorship_request_id: int, service: Any, success: str, **extra: Any
) -> Any:
    """Run a request's action for the signed-in user (the service checks who may)."""
    found = request_selectors.mentorship_request_get(
        user=request.user, mentorship_request_id=mentorship_request_id
    )
    return service_run(
        request, partial(service, request=found, by=request.user, **extra), success=success
    )


@login_required
@require_POST
def request_accept(request: HttpRequest, mentorship_request_id: int) -> HttpResponse:
    done = _request_action(
        request,
        mentorship_request_id,
        request_services.mentorship_request_accept,
        _("Request accepted: your mentorship has started."),
    )
    if done.ok:
        return redirect("mentorship:mentorship", mentorship_id=done.result.pk)
    return redirect("mentorship:requests")


@login_required
@require_POST
def request_decline(request: HttpRequest, mentorship_request_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    # the service checks who asks first, then the reason (an error message when missing)
    _request_action(
        request,
        mentorship_request_id,
        request_services.mentorship_request_decline,
        _("Request declined. The student sees your reason."),
        reason=form.cleaned_data["reason"] if form.is_valid() else "",
    )
    return redirect("mentorship:requests")


@login_required
@require_POST
def request_withdraw(request: HttpRequest, mentorship_request_id: int) -> HttpResponse:
    _request_action(
        request,
        mentorship_request_id,
        request_services.mentorship_request_withdraw,
        _("Request withdrawn."),
    )
    return redirect("mentorship:requests")


@login_required
@require_GET
def mentorships(request: HttpRequest) -> HttpResponse:
    rows = request_selectors.mentorship_list(user=request.user)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    pending = (
        request_selectors.mentorship_request_list(
            user=request.user, direction="incoming", status="pending"
        ).count()
        if mentor_can_offer(request.user)
        else 0
    )
    return render(
        request,
        "mentorship/mentorships/list.html",
        {"page": page, "pending_count": pending, "querystring": ""},
    )


def _mentorship_page(
    request: HttpRequest, found: Mentorship, end_form: ReasonForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        **mentorship_page_context(request=request, mentorship=found),
        "mentorship": found,
        "is_participant": found.is_participant(user.pk),
        "is_staff_viewer": user_is_staff(user),
        "other": found.mentee if user.pk == found.mentor_id else found.mentor,
        "end_form": end_form or ReasonForm(),
    }
    return render(request, "mentorship/mentorships/detail.html", context, status=status)


@login_required
@require_GET
def mentorship_detail(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    found = request_selectors.mentorship_get(user=request.user, mentorship_id=mentorship_id)
    return _mentorship_page(request, found)


def _lifecycle_action(
    request: HttpRequest, mentorship_id: int, service: Any, success: str
) -> HttpResponse:
    found = request_selectors.mentorship_get(user=request.user, mentorship_id=mentorship_id)
    service_run(request, partial(service, mentorship=found, by=request.user), success=success)
    return redirect("mentorship:mentorship", mentorship_id=mentorship_id)


@login_required
@require_POST
def mentorship_pause(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    return _lifecycle_action(
        request, mentorship_id, lifecycle.mentorship_pause, _("Mentorship paused.")
    )


@login_required
@require_POST
def mentorship_resume(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    return _lifecycle_action(
        request, mentorship_id, lifecycle.mentorship_resume, _("Mentorship resumed.")
    )


@login_required
@require_POST
def mentorship_end(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    found = request_selectors.mentorship_get(user=request.user, mentorship_id=mentorship_id)
    form = ReasonForm(request.POST)
    # the service checks who asks first, then the reason (next to the field when missing)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    done = service_run(
        request,
        partial(lifecycle.mentorship_end, mentorship=found, by=request.user, reason=reason),
        form=form if reason else None,
        success=_("Mentorship ended. Sessions still booked are cancelled."),
    )
    if done.ok:
        return redirect("mentorship:mentorship", mentorship_id=mentorship_id)
    return _mentorship_page(request, found, end_form=form, status=400)
