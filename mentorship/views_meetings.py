"""Site pages of meetings: the meeting page (the call itself, or when it opens) and the
"Join" part of the session page."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kalpla.exceptions import Unavailable
from mentorship.models import MentorSession
from mentorship.policies import mentorship_is_participant
from mentorship.selectors.meetings import session_for_meeting
from mentorship.services.meetings import MeetingNotOpen, meeting_join, meeting_window

# The waiting page reloads itself at most this often, and sooner when the meeting opens.
WAIT_REFRESH_SECONDS = 60


@dataclass(frozen=True)
class JoinState:
    """What the session page's "Join" shows: ``state`` is one of "open" (join now),
    "soon" (opens later), "over" (closed) or "closed" (the session is not booked)."""

    state: str
    url: str
    opens_at: datetime
    closes_at: datetime


def join_state(*, session: MentorSession, now: datetime) -> JoinState:
    opens, closes = meeting_window(session=session)
    if session.status != MentorSession.Status.BOOKED:
        state = "closed"
    elif now < opens:
        state = "soon"
    elif now > closes or session.meeting_ended_at is not None:
        state = "over"
    else:
        state = "open"
    url = reverse("mentorship:meeting", kwargs={"session_id": session.pk})
    return JoinState(state=state, url=url, opens_at=opens, closes_at=closes)


def join_part(*, request: HttpRequest, session: MentorSession) -> dict[str, Any]:
    """Session page part (mentorship.pages): "Join" for the two participants; no queries."""
    if not mentorship_is_participant(
        user=request.user, mentor_id=session.mentor_id, mentee_id=session.mentee_id
    ):
        return {"join": None}
    return {"join": join_state(session=session, now=timezone.now())}


def session_page_url(session: MentorSession) -> str:
    return reverse("mentorship:session", kwargs={"session_id": session.pk})


@login_required
@require_GET
def meeting(request: HttpRequest, session_id: int) -> HttpResponse:
    """The call for the mentor and the mentee inside the join window (403 for anyone else);
    before and after it, a page that says when it opens or that it closed."""
    session = session_for_meeting(session_id=session_id)
    context: dict[str, Any] = {
        "session": session,
        "other": session.mentee if request.user.pk == session.mentor_id else session.mentor,
        "session_url": session_page_url(session),
    }
    try:
        info = meeting_join(session=session, user=request.user)
    except MeetingNotOpen as closed:
        now = timezone.now()
        context.update(
            closed=closed,
            waiting=session.status == MentorSession.Status.BOOKED and now < closed.opens_at,
            refresh=max(5, min(WAIT_REFRESH_SECONDS, int((closed.opens_at - now).total_seconds()))),
        )
        return render(request, "mentorship/meetings/closed.html", context)
    except Unavailable as down:
        # the provider is down: say so and try again by itself
        context.update(closed=down, unavailable=True, refresh=WAIT_REFRESH_SECONDS // 2)
        return render(request, "mentorship/meetings/closed.html", context, status=503)
    context.update(
        info=info,
        # what static/js/meeting.js (local) or meeting-chime.js (aws) needs
        config={
            "provider": info.provider,
            "signallingPath": info.signalling_path,
            "iceServers": info.ice_servers,
            "meeting": info.meeting,
            "attendee": info.attendee,
        },
        chime=info.provider == "chime",
    )
    return render(request, "mentorship/meetings/meeting.html", context)
