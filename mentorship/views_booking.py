"""Booking's site pages: a mentor's weekly hours, booking a slot, "my sessions" and the
shared session page (with its cancel and reschedule forms)."""

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kalpla.errors import service_run
from kalpla.exceptions import Conflict, NotFound, PermissionDenied
from mentorship.forms_booking import (
    AvailabilityExceptionForm,
    AvailabilityRuleForm,
    BookForm,
    CancelForm,
    RescheduleForm,
    weekdays_of,
)
from mentorship.models import MentorProfile, MentorSession, Mentorship
from mentorship.pages import session_page_context
from mentorship.policies import mentorship_is_participant
from mentorship.selectors import booking as selectors
from mentorship.selectors.slots import Slot, availability_windows
from mentorship.services import availability as availability_services
from mentorship.services import booking as booking_services

# How far ahead the booking and reschedule pages look.
BOOKING_PAGE_WEEKS = 3
SESSIONS_PER_PAGE = 20


def _zone(user: Any) -> str:
    return getattr(user, "timezone", "") or "UTC"


# --- availability ---------------------------------------------------------------------------


def _profile_or_none(request: HttpRequest) -> MentorProfile | None:
    """The signed-in mentor's own profile; PermissionDenied (403) for non-mentors."""
    try:
        return availability_services.own_mentor_profile(user=request.user)
    except Conflict:
        return None


def _preview(profile: MentorProfile) -> list[dict[str, Any]]:
    """The next 7 days' open hours (the weekly rules and exceptions), in the mentor's zone."""
    tz = ZoneInfo(profile.timezone)
    today = timezone.now().astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    end = today + timedelta(days=7)
    windows = availability_windows(
        mentor=profile,
        rules=list(selectors.mentor_rules(profile=profile)),
        exceptions=list(selectors.mentor_exceptions(profile=profile, upcoming_only=True)),
        start=today,
        end=end,
    )
    days = []
    for offset in range(7):
        day = (today + timedelta(days=offset)).date()
        hours = [
            f"{s.astimezone(tz):%H:%M} - {e.astimezone(tz):%H:%M}"
            for s, e in windows
            if s.astimezone(tz).date() == day
        ]
        days.append({"date": day, "hours": hours})
    return days


def _availability_page(
    request: HttpRequest,
    profile: MentorProfile | None,
    *,
    rule_form: AvailabilityRuleForm | None = None,
    exception_form: AvailabilityExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"profile": profile}
    if profile is not None:
        context.update(
            rules=[(r, weekdays_of(r.rrule)) for r in selectors.mentor_rules(profile=profile)],
            exceptions=selectors.mentor_exceptions(profile=profile, upcoming_only=True),
            preview=_preview(profile),
            rule_form=rule_form
            or AvailabilityRuleForm(initial={"valid_from": timezone.localdate()}),
            exception_form=exception_form or AvailabilityExceptionForm(),
        )
    return render(request, "mentorship/booking/availability.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def availability(request: HttpRequest) -> HttpResponse:
    return _availability_page(request, _profile_or_none(request))


def _save_form(
    request: HttpRequest,
    form: Any,
    call: Callable[..., Any],
    success: str,
) -> bool:
    if not form.is_valid():
        return False
    return service_run(request, partial(call, **form.cleaned_data), form=form, success=success).ok


@login_required
@require_POST
def availability_rule_new(request: HttpRequest) -> HttpResponse:
    profile = availability_services.own_mentor_profile(user=request.user)
    form = AvailabilityRuleForm(request.POST)
    call = partial(availability_services.availability_rule_create, user=request.user)
    if _save_form(request, form, call, _("Weekly hours added.")):
        return redirect("mentorship:availability")
    return _availability_page(request, profile, rule_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def availability_rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    profile = availability_services.own_mentor_profile(user=request.user)
    rule = selectors.mentor_rules(profile=profile).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Not found."))
    form = AvailabilityRuleForm(
        request.POST or None,
        initial={
            "weekdays": weekdays_of(rule.rrule),
            "start_time": rule.start_time,
            "end_time": rule.end_time,
            "valid_from": rule.valid_from,
            "valid_until": rule.valid_until,
        },
    )
    if request.method == "POST":
        call = partial(
            availability_services.availability_rule_update, user=request.user, rule_id=rule.pk
        )
        if _save_form(request, form, call, _("Weekly hours saved.")):
            return redirect("mentorship:availability")
    return render(
        request,
        "mentorship/booking/availability_edit.html",
        {"form": form, "rule": rule, "title": _("Edit weekly hours")},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def availability_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    availability_services.availability_rule_delete(user=request.user, rule_id=rule_id)
    messages.success(request, _("Weekly hours removed."))
    return redirect("mentorship:availability")


@login_required
@require_POST
def availability_exception_new(request: HttpRequest) -> HttpResponse:
    profile = availability_services.own_mentor_profile(user=request.user)
    form = AvailabilityExceptionForm(request.POST)
    call = partial(availability_services.availability_exception_create, user=request.user)
    if _save_form(request, form, call, _("Exception added.")):
        return redirect("mentorship:availability")
    return _availability_page(request, profile, exception_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def availability_exception_edit(request: HttpRequest, exception_id: int) -> HttpResponse:
    profile = availability_services.own_mentor_profile(user=request.user)
    found = selectors.mentor_exceptions(profile=profile).filter(pk=exception_id).first()
    if found is None:
        raise NotFound(_("Not found."))
    form = AvailabilityExceptionForm(
        request.POST or None,
        initial={
            "date": found.date,
            "kind": found.kind,
            "start_time": found.start_time,
            "end_time": found.end_time,
            "note": found.note,
        },
    )
    if request.method == "POST":
        call = partial(
            availability_services.availability_exception_update,
            user=request.user,
            exception_id=found.pk,
        )
        if _save_form(request, form, call, _("Exception saved.")):
            return redirect("mentorship:availability")
    return render(
        request,
        "mentorship/booking/availability_edit.html",
        {"form": form, "exception": found, "title": _("Edit an exception")},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def availability_exception_delete(request: HttpRequest, exception_id: int) -> HttpResponse:
    availability_services.availability_exception_delete(
        user=request.user, exception_id=exception_id
    )
    messages.success(request, _("Exception removed."))
    return redirect("mentorship:availability")


# --- slots, booking -------------------------------------------------------------------------


def slot_days(slots: list[Slot], *, viewer_zone: str, mentor_zone: str) -> list[dict[str, Any]]:
    """Slots grouped by day in the viewer's zone, each with the mentor's local time too."""
    tz, mentor_tz = ZoneInfo(viewer_zone), ZoneInfo(mentor_zone)
    days: list[dict[str, Any]] = []
    for slot in slots:
        local = slot.starts_at.astimezone(tz)
        if not days or days[-1]["date"] != local.date():
            days.append({"date": local.date(), "slots": []})
        days[-1]["slots"].append(
            {
                "value": slot.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "time": dateformat.format(local, "H:i"),
                "mentor_time": dateformat.format(slot.starts_at.astimezone(mentor_tz), "D H:i"),
            }
        )
    return days


def _slots_for(
    *,
    profile: MentorProfile,
    mentee_id: int,
    length: int,
    viewer_zone: str,
    moving: int | None = None,
) -> list[dict[str, Any]]:
    now = timezone.now()
    found = selectors.slot_search(
        profile=profile,
        length_minutes=length,
        start=now,
        end=now + timedelta(weeks=BOOKING_PAGE_WEEKS),
        mentee_id=mentee_id,
        now=now,
        moving=moving,
    )
    return slot_days(found, viewer_zone=viewer_zone, mentor_zone=profile.timezone)


def _participant_mentorship(request: HttpRequest, mentorship_id: int) -> Mentorship:
    mentorship = selectors.mentorship_get_for(user=request.user, mentorship_id=mentorship_id)
    if not mentorship_is_participant(
        user=request.user, mentor_id=mentorship.mentor_id, mentee_id=mentorship.mentee_id
    ):
        raise PermissionDenied(_("Only the mentor and the mentee book sessions."))
    return mentorship


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship = _participant_mentorship(request, mentorship_id)
    profile = selectors.mentor_profile_of(user_id=mentorship.mentor_id)
    lengths = list(profile.session_lengths or [])
    data = request.POST if request.method == "POST" else None
    form = BookForm(data, lengths=lengths, initial={"length_minutes": lengths[0]})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = service_run(
                request,
                partial(
                    booking_services.session_book,
                    mentorship=mentorship,
                    by=request.user,
                    **form.cleaned_data,
                ),
                form=form,
                success=_("Session booked. You both get a calendar invitation."),
            )
            if done.ok:
                return redirect("mentorship:session", session_id=done.result.pk)
            status = 409 if isinstance(done.error, Conflict) else 400
        else:
            status = 400
    chosen = request.GET.get("length") or (form.data.get("length_minutes") if data else None)
    try:
        length = int(chosen) if chosen else lengths[0]
    except ValueError:
        length = lengths[0]
    if length not in lengths:
        length = lengths[0]
    form.initial["length_minutes"] = length
    zone = _zone(request.user)
    context = {
        "mentorship": mentorship,
        "profile": profile,
        "form": form,
        "length": length,
        "lengths": lengths,
        "viewer_zone": zone,
        "active": mentorship.status == Mentorship.Status.ACTIVE,
        "days": _slots_for(
            profile=profile, mentee_id=mentorship.mentee_id, length=length, viewer_zone=zone
        ),
        "chosen": form.data.get("starts_at", "") if data else "",
    }
    return render(request, "mentorship/booking/book.html", context, status=status)


# --- my sessions, the session page ----------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def sessions(request: HttpRequest) -> HttpResponse:
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    rows = selectors.session_list_for(user=request.user, when=when)
    page = Paginator(rows, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorship/booking/sessions.html",
        {"page": page, "when": when, "querystring": f"when={when}"},
    )


def _changeable(session: MentorSession, user: Any) -> bool:
    return (
        session.is_participant(user.pk)
        and session.status == MentorSession.Status.BOOKED
        and session.starts_at > timezone.now()
    )


def _session_page(
    request: HttpRequest,
    session: MentorSession,
    *,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "session": session,
        "viewer_zone": _zone(request.user),
        "other": session.mentee if request.user.pk == session.mentor_id else session.mentor,
        "can_change": _changeable(session, request.user),
        "cancel_form": cancel_form or CancelForm(),
        "rescheduled_to": session.rescheduled_to.filter(status=MentorSession.Status.BOOKED).first()
        if session.status == MentorSession.Status.CANCELLED
        else None,
        **session_page_context(request=request, session=session),
    }
    return render(request, "mentorship/sessions/detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(
        request, selectors.session_get_for(user=request.user, session_id=session_id)
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for(user=request.user, session_id=session_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        done = service_run(
            request,
            partial(
                booking_services.session_cancel,
                session=session,
                by=request.user,
                reason=form.cleaned_data["reason"],
            ),
            form=form,
            success=_("Session cancelled. You both get a message."),
        )
        if done.ok:
            return redirect("mentorship:session", session_id=session.pk)
    return _session_page(request, session, cancel_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for(user=request.user, session_id=session_id)
    if not session.is_participant(request.user.pk):
        raise PermissionDenied(_("Only the mentor and the mentee move a session."))
    form = RescheduleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done = service_run(
                request,
                partial(
                    booking_services.session_reschedule,
                    session=session,
                    by=request.user,
                    starts_at=form.cleaned_data["starts_at"],
                ),
                form=form,
                success=_("Session moved. You both get a message."),
            )
            if done.ok:
                return redirect("mentorship:session", session_id=done.result.pk)
            status = 409 if isinstance(done.error, Conflict) else 400
    profile = selectors.mentor_profile_of(user_id=session.mentor_id)
    length = int((session.ends_at - session.starts_at).total_seconds() // 60)
    zone = _zone(request.user)
    context = {
        "session": session,
        "form": form,
        "viewer_zone": zone,
        "profile": profile,
        "can_change": _changeable(session, request.user),
        "days": _slots_for(
            profile=profile,
            mentee_id=session.mentee_id,
            length=length,
            viewer_zone=zone,
            moving=session.pk,
        )
        if _changeable(session, request.user)
        else [],
        "chosen": form.data.get("starts_at", "") if form.is_bound else "",
    }
    return render(request, "mentorship/booking/reschedule.html", context, status=status)


# --- the mentorship page's part -------------------------------------------------------------


def mentorship_sessions_part(*, request: HttpRequest, mentorship: Mentorship) -> dict[str, Any]:
    """Upcoming sessions and "Book a session" on the mentorship page (two queries)."""
    return {
        "upcoming_sessions": selectors.mentorship_upcoming_sessions(mentorship=mentorship),
        "can_book": mentorship.status == Mentorship.Status.ACTIVE
        and mentorship_is_participant(
            user=request.user, mentor_id=mentorship.mentor_id, mentee_id=mentorship.mentee_id
        ),
    }
