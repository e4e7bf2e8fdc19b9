"""Live-class pages: /live/ (mine), /live/new/, and one class's page with its actions.

The class page shows the host the controls (start, end, stream key with IVS, or the browser
broadcaster with the local backend) and viewers the player (IVS player, or the WebRTC viewer),
the class's chat beside it (a part the top layer registers: mentorship cannot read
community), a countdown before the start and the recording link after the end. Viewers who
open it while the class is live are recorded as attending.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import user_is_staff
from accounts.selectors import signed_in_user
from courses.selectors.authoring import teach_course_list
from kalpla.errors import service_run
from mentorship.forms_live import LiveClassForm, LiveClassRecordingForm, LiveClassScheduleForm
from mentorship.models import LOCAL_MAX_VIEWERS, LiveClass
from mentorship.selectors.live import (
    LiveClassView,
    live_class_get_for_user,
    live_class_upcoming_and_recent,
)
from mentorship.services import live as services

# ``part(*, request, live_class) -> dict`` adding to the class page's context (the chat panel,
# registered by dashboards/apps.py). Parts keep the page's queries bounded.
LIVE_CLASS_PAGE_PARTS: list[Callable[..., dict[str, Any]]] = []

# The IVS player fetches the stream from IVS's hosts and runs a WebAssembly worker.
IVS_PLAYER_CSP = {
    "connect-src": ["https:"],
    "worker-src": ["'self'", "blob:"],
    "script-src": ["'wasm-unsafe-eval'"],
}


def _ice_servers() -> list[dict[str, Any]]:
    """STUN/TURN servers for the browser broadcast (none needed on one network)."""
    if not settings.KALPLA_WEBRTC_ICE_URLS:
        return []
    server: dict[str, Any] = {"urls": settings.KALPLA_WEBRTC_ICE_URLS}
    if settings.KALPLA_WEBRTC_TURN_USERNAME:
        server["username"] = settings.KALPLA_WEBRTC_TURN_USERNAME
        server["credential"] = settings.KALPLA_WEBRTC_TURN_PASSWORD
    return [server]


def _class_url(live: LiveClass) -> Any:
    return redirect("mentorship:live_class", live_class_id=live.pk)


def _viewing(request: HttpRequest, live_class_id: int) -> LiveClassView:
    return live_class_get_for_user(live_class_id=live_class_id, user=signed_in_user(request))


def _managing(request: HttpRequest, live_class_id: int) -> LiveClassView:
    view = _viewing(request, live_class_id)
    if not view.manage:
        raise services.host_only()
    return view


@login_required
def live_class_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    lists = live_class_upcoming_and_recent(user=user)
    can_schedule = user_is_staff(user) or teach_course_list(user=user).exists()
    return render(request, "mentorship/live/list.html", {**lists, "can_schedule": can_schedule})


@login_required
@require_http_methods(["GET", "POST"])
def live_class_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = LiveClassScheduleForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        done = service_run(
            request,
            partial(services.live_class_schedule, host=user, **form.cleaned_data),
            form=form,
            success=_("Live class scheduled. The course's students have been told."),
        )
        if done.ok:
            return _class_url(done.result)
    has_courses = bool(form.fields["course"].queryset.exists())  # type: ignore[attr-defined]
    return render(
        request,
        "mentorship/live/form.html",
        {"form": form, "has_courses": has_courses, "live": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def live_class_detail(request: HttpRequest, live_class_id: int) -> HttpResponse:
    view = _viewing(request, live_class_id)
    live, user = view.live, signed_in_user(request)
    if live.status == LiveClass.Status.LIVE and not view.is_host:
        services.live_class_attend(live_class=live, user=user)
    context: dict[str, Any] = {
        "live": live,
        "manage": view.manage,
        "is_host": view.is_host,
        "max_viewers": LOCAL_MAX_VIEWERS,
        # the stream key is the host's alone (staff manage the class but never see it)
        "show_key": view.is_host
        and live.provider == "ivs"
        and live.status in (LiveClass.Status.SCHEDULED, LiveClass.Status.LIVE),
        "ice_servers": _ice_servers(),
        "recording_form": LiveClassRecordingForm(initial={"url": live.recording_url}),
    }
    for part in LIVE_CLASS_PAGE_PARTS:
        context.update(part(request=request, live_class=live))
    response = render(request, "mentorship/live/detail.html", context)
    if live.provider == "ivs" and live.status == LiveClass.Status.LIVE:
        response._csp_update = IVS_PLAYER_CSP  # type: ignore[attr-defined]  # django-csp reads it
    return response


@login_required
@require_http_methods(["GET", "POST"])
def live_class_edit(request: HttpRequest, live_class_id: int) -> HttpResponse:
    live = _managing(request, live_class_id).live
    initial = {
        "title": live.title,
        "description": live.description,
        "starts_at": live.starts_at,
        "duration_minutes": live.duration_minutes,
    }
    form = LiveClassForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = service_run(
            request,
            partial(
                services.live_class_update,
                live_class=live,
                by=signed_in_user(request),
                **form.cleaned_data,
            ),
            form=form,
            success=_("Live class updated."),
        )
        if done.ok:
            return _class_url(live)
    return render(
        request,
        "mentorship/live/form.html",
        {"form": form, "live": live, "has_courses": True},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def live_class_cancel(request: HttpRequest, live_class_id: int) -> HttpResponse:
    live = _managing(request, live_class_id).live
    if request.method == "POST":
        service_run(
            request,
            partial(services.live_class_cancel, live_class=live, by=signed_in_user(request)),
            success=_("Live class cancelled. The course's students have been told."),
        )
        return _class_url(live)
    return render(request, "mentorship/live/cancel.html", {"live": live})


def _action(
    service: Callable[..., LiveClass], success: Any
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST button of the class page: run the service, say what happened, back to the page."""

    @login_required
    @require_POST
    def view(request: HttpRequest, live_class_id: int) -> HttpResponse:
        live = _viewing(request, live_class_id).live
        service_run(
            request,
            partial(service, live_class=live, by=signed_in_user(request)),
            success=success,
        )
        return _class_url(live)

    return view


live_class_start = _action(
    services.live_class_start, gettext_lazy("You are live. Students can join now.")
)
live_class_end = _action(services.live_class_end, gettext_lazy("The class has ended."))
live_class_stream_key = _action(
    services.live_class_stream_key_regenerate,
    gettext_lazy("New stream key made: update your broadcasting software."),
)


@login_required
@require_http_methods(["GET", "POST"])
def live_class_recording(request: HttpRequest, live_class_id: int) -> HttpResponse:
    live = _managing(request, live_class_id).live
    form = LiveClassRecordingForm(request.POST or None, initial={"url": live.recording_url})
    if request.method == "POST" and form.is_valid():
        done = service_run(
            request,
            partial(
                services.live_class_set_recording,
                live_class=live,
                by=signed_in_user(request),
                url=form.cleaned_data["url"],
            ),
            form=form,
            success=_("Recording linked. Students see it on the class page."),
        )
        if done.ok:
            return _class_url(live)
    return render(
        request,
        "mentorship/live/recording.html",
        {"form": form, "live": live},
        status=400 if form.is_bound else 200,
    )
