"""Site pages: the notifications list (load more, mark read) and the preferences page.

Every action is a plain POST form that works without JavaScript; with htmx the list swaps
in place (``HX-Request``), and static/js/notifications.js adds live updates.
"""

import json
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import signed_in_user
from kalpla.errors import service_run
from notifications import selectors
from notifications.forms import PreferencesForm
from notifications.models import Channel
from notifications.services import inapp, preferences


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = selectors.notification_page(user=user, cursor=request.GET.get("cursor", ""))
    context = {
        "page": page,
        "is_first_page": not request.GET.get("cursor"),
        "unread": selectors.unread_count(user_id=user.pk),
    }
    if getattr(request, "htmx", False) and not context["is_first_page"]:
        return render(request, "notifications/_items.html", context)
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.notification_get(
        user=signed_in_user(request), notification_id=notification_id
    )
    notification, count = inapp.notification_mark_read(notification=notification)
    if getattr(request, "htmx", False):
        response = render(request, "notifications/_item.html", {"n": notification})
        response["HX-Trigger"] = json.dumps({"notifications:unread": {"count": count}})
        return response
    return redirect(_safe_next(request, "notifications:list"))


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way (a GET: it is a link)."""
    notification = selectors.notification_get(
        user=signed_in_user(request), notification_id=notification_id
    )
    inapp.notification_mark_read(notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = inapp.notifications_mark_all_read(user=signed_in_user(request))
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_safe_next(request, "notifications:list"))


# --- preferences ---------------------------------------------------------------------------

CHANNEL_HELP = {
    Channel.IN_APP: gettext_lazy("The bell and this site's notifications page."),
    Channel.EMAIL: gettext_lazy("To your verified email address."),
    Channel.SMS: gettext_lazy("Text messages to a verified phone number."),
    Channel.PUSH: gettext_lazy("On your phone, through the Kalpla app."),
}


@login_required
def preferences_edit(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    current = preferences.notification_settings_read(user=user)
    initial = {
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
        "digest": current.digest,
    }
    form = PreferencesForm(
        request.POST or None, initial=initial, matrix=preferences.preference_matrix(user=user)
    )
    if request.method == "POST" and form.is_valid():
        update = partial(
            preferences.preferences_update,
            user=user,
            matrix=form.matrix(),
            quiet_start=form.cleaned_data["quiet_start"],
            quiet_end=form.cleaned_data["quiet_end"],
            digest=form.cleaned_data["digest"],
        )
        saved = _("Your notification preferences were saved.")
        if service_run(request, update, form=form, success=saved).ok:
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "rows": form.rows(),
            "channels": [
                {"key": ch, "label": Channel(ch).label, "help": CHANNEL_HELP[Channel(ch)]}
                for ch in preferences.CHANNELS
            ],
            "user_timezone": user.timezone or "UTC",
        },
    )
