"""Site pages of the calendar: the feed settings page, the public feed, one session's invite."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import signed_in_user
from mentorship.ical import METHOD_CANCEL, METHOD_REQUEST, absolute, session_invite_ics
from mentorship.models import MentorSession
from mentorship.selectors.calendar import (
    calendar_feed_get,
    calendar_feed_get_by_token,
    session_for_participant,
)
from mentorship.services.calendar import (
    INVITE_FILENAME,
    calendar_feed_render,
    calendar_feed_revoke,
    calendar_feed_rotate,
)

ICS_TYPE = "text/calendar; charset=utf-8"
# Calendar apps poll; a quarter of an hour of staleness is what they expect anyway.
FEED_MAX_AGE = 15 * 60


def feed_url(token: str) -> str:
    return absolute(reverse("mentorship:calendar_feed", kwargs={"feed_token": token}))


@login_required
@require_GET
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The user's feed link, how to subscribe, a new link, turning it off."""
    feed = calendar_feed_get(user=signed_in_user(request))
    url = feed_url(feed.token) if feed else ""
    return render(
        request,
        "mentorship/calendar/settings.html",
        {
            "feed": feed,
            "feed_url": url,
            "webcal_url": url.replace("https://", "webcal://").replace("http://", "webcal://"),
        },
    )


@login_required
@require_POST
def calendar_feed_rotate_view(request: HttpRequest) -> HttpResponse:
    had_feed = calendar_feed_get(user=signed_in_user(request)) is not None
    calendar_feed_rotate(user=signed_in_user(request))
    if had_feed:
        messages.success(request, _("Your calendar has a new link. The old link no longer works."))
    else:
        messages.success(request, _("Your calendar link is ready. Add it to your calendar app."))
    return redirect("mentorship:calendar")


@login_required
@require_POST
def calendar_feed_revoke_view(request: HttpRequest) -> HttpResponse:
    if calendar_feed_revoke(user=signed_in_user(request)):
        messages.success(request, _("Your calendar link is turned off. It no longer works."))
    else:
        messages.info(request, _("Your calendar link was already off."))
    return redirect("mentorship:calendar")


@require_GET
def calendar_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The private feed: no sign-in, the secret link is the credential (unknown: 404)."""
    feed = calendar_feed_get_by_token(token=feed_token)
    body = calendar_feed_render(feed=feed)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        body, content_type=ICS_TYPE
    )
    response["ETag"] = etag
    response["Content-Disposition"] = 'inline; filename="kalpla.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    # private: the link is personal, shared caches must not keep it
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    return response


def invite_response(session: MentorSession) -> HttpResponse:
    """One session's invite as a download: a cancellation for a cancelled session."""
    method = METHOD_CANCEL if session.status == MentorSession.Status.CANCELLED else METHOD_REQUEST
    response = HttpResponse(
        session_invite_ics(session=session, method=method),
        content_type=f"text/calendar; method={method}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{INVITE_FILENAME}"'
    patch_cache_control(response, private=True, no_cache=True)
    return response


@login_required
@require_GET
def session_invite(request: HttpRequest, session_id: int) -> HttpResponse:
    """Download a session's invite: its mentor and mentee only (everyone else: 404)."""
    return invite_response(
        session_for_participant(session_id=session_id, user=signed_in_user(request))
    )
