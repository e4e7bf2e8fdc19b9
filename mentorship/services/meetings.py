"""Joining a mentoring session's meeting, and ending meetings once sessions are over.

``meeting_join`` is what "Join" does on the site and in the apps: it checks the join rule
(mentorship.policies.session_can_join), creates the session's meeting once (row lock: two
people joining at the same moment get one meeting) and an attendee for this join, and
returns everything a client needs to connect (the Chime SDK's meeting + attendee with the aws
backend; ICE servers and the signalling socket with the local WebRTC backend).
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalpla.exceptions import Conflict, PermissionDenied, Unavailable
from kalpla.integrations import chime
from kalpla.integrations.base import IntegrationError, TransientIntegrationError
from mentorship.models import MentorSession
from mentorship.policies import join_grace, mentorship_is_participant, session_join_window

logger = logging.getLogger(__name__)

# What each KALPLA_MEETINGS_BACKEND names its meetings (``Meeting.provider``), so a meeting
# made under the other backend is not reused after the setting changes.
BACKEND_PROVIDERS = {"local": "local", "aws": "chime"}
PROVIDER_CLASSES: dict[str, type] = {
    "local": chime.LocalMeetingProvider,
    "chime": chime.AwsMeetingProvider,
}


class MeetingNotOpen(Conflict):
    """Outside the join window (or the session is not booked): says when it opens."""

    default_code = "meeting_not_open"

    def __init__(self, message: str, *, opens_at: datetime, closes_at: datetime) -> None:
        super().__init__(message)
        self.opens_at = opens_at
        self.closes_at = closes_at


@dataclass(frozen=True)
class JoinInfo:
    """One person's way into a session's meeting (the API's join info, the page's config)."""

    session_id: int
    provider: str
    meeting: dict[str, Any]
    attendee: dict[str, Any]
    ice_servers: list[dict[str, Any]]
    signalling_path: str
    page_path: str
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime
    closes_at: datetime


def ice_servers() -> list[dict[str, Any]]:
    """RTCPeerConnection's ``iceServers`` from KALPLA_WEBRTC_ICE_URLS: STUN URLs as they are,
    TURN URLs with KALPLA_WEBRTC_TURN_USERNAME / _PASSWORD. None on one network."""
    urls: list[str] = [url for url in settings.KALPLA_WEBRTC_ICE_URLS if url]
    stun = [url for url in urls if not url.startswith(("turn:", "turns:"))]
    turn = [url for url in urls if url.startswith(("turn:", "turns:"))]
    servers: list[dict[str, Any]] = []
    if stun:
        servers.append({"urls": stun})
    if turn:
        server: dict[str, Any] = {"urls": turn}
        username = settings.KALPLA_WEBRTC_TURN_USERNAME
        if username:
            server.update(username=username, credential=settings.KALPLA_WEBRTC_TURN_PASSWORD)
        servers.append(server)
    return servers


def meeting_window(*, session: MentorSession) -> tuple[datetime, datetime]:
    return session_join_window(starts_at=session.starts_at, ends_at=session.ends_at)


def _check_open(*, session: MentorSession, user: Any, now: datetime) -> None:
    if not mentorship_is_participant(
        user=user, mentor_id=session.mentor_id, mentee_id=session.mentee_id
    ):
        raise PermissionDenied(
            _("Only the mentor and the mentee of this session can join its meeting."),
            code="not_participant",
        )
    opens, closes = meeting_window(session=session)
    if session.status != MentorSession.Status.BOOKED:
        raise MeetingNotOpen(
            _("This session is %(status)s; its meeting is closed.")
            % {"status": session.get_status_display().lower()},
            opens_at=opens,
            closes_at=closes,
        )
    if now < opens:
        raise MeetingNotOpen(
            _("The meeting opens at %(when)s, 10 minutes before the session starts.")
            % {"when": date_format(timezone.localtime(opens), "DATETIME_FORMAT")},
            opens_at=opens,
            closes_at=closes,
        )
    if now > closes or session.meeting_ended_at is not None:
        raise MeetingNotOpen(
            _("The meeting closed at %(when)s.")
            % {"when": date_format(timezone.localtime(closes), "DATETIME_FORMAT")},
            opens_at=opens,
            closes_at=closes,
        )


def _meeting_for(
    *, session_id: int, user: Any, now: datetime, title: str, replace: str = ""
) -> MentorSession:
    """The session with its meeting, created on first join (or instead of ``replace``, a
    meeting the provider no longer has). Runs under the row lock, so a second joiner waits
    here and then finds the first one's meeting."""
    locked = MentorSession.objects.select_for_update().get(pk=session_id)
    _check_open(session=locked, user=user, now=now)  # again: it may have changed meanwhile
    wanted = BACKEND_PROVIDERS[settings.KALPLA_MEETINGS_BACKEND]
    if locked.meeting_id and locked.meeting_provider == wanted and locked.meeting_id != replace:
        return locked
    generation = int(locked.meeting_info.get("generation", 0)) + 1 if replace else 1
    # Chime returns the same meeting for the same token: a replacement needs a new one
    token = f"session-{locked.pk}-{locked.ical_uid}"
    if generation > 1:
        token = f"session-{locked.pk}-g{generation}-{locked.ical_uid}"
    meeting = chime.get_meeting_provider().create_meeting(external_id=token, title=title)
    info = {**meeting.join_info, "generation": generation}
    if meeting.provider == "local":
        # the local room is this site's meeting page, reached over the signalling socket
        info["room_url"] = settings.SITE_URL.rstrip("/") + reverse(
            "mentorship:meeting", kwargs={"session_id": locked.pk}
        )
    locked.meeting_provider = meeting.provider
    locked.meeting_id = meeting.meeting_id
    locked.meeting_info = info
    # only the meeting's fields change: the session's own rules were checked when it was booked
    changed = ["meeting_provider", "meeting_id", "meeting_info"]
    locked.full_clean(
        exclude=[f.name for f in MentorSession._meta.fields if f.name not in changed],
        validate_unique=False,
        validate_constraints=False,
    )
    locked.save(update_fields=[*changed, "updated_at"])
    return locked


def _attendee(*, session: MentorSession, user: Any) -> chime.Attendee:
    provider = PROVIDER_CLASSES[session.meeting_provider]()
    return provider.create_attendee(
        meeting_id=session.meeting_id, user_external_id=f"user-{user.pk}"
    )


def _join(*, session: MentorSession, user: Any, now: datetime) -> tuple[MentorSession, Any]:
    title = _("Mentoring session: %(mentor)s and %(mentee)s") % {
        "mentor": session.mentor.get_full_name() or session.mentor.get_username(),
        "mentee": session.mentee.get_full_name() or session.mentee.get_username(),
    }
    with transaction.atomic():
        locked = _meeting_for(session_id=session.pk, user=user, now=now, title=title)
    try:
        return locked, _attendee(session=locked, user=user)
    except TransientIntegrationError:
        raise
    except IntegrationError:
        # Chime ends a meeting nobody has been in for a few minutes: start a new one
        with transaction.atomic():
            locked = _meeting_for(
                session_id=session.pk, user=user, now=now, title=title, replace=locked.meeting_id
            )
        return locked, _attendee(session=locked, user=user)


def meeting_join(*, session: MentorSession, user: Any, now: datetime | None = None) -> JoinInfo:
    """Join info for ``user`` (the mentor or the mentee) inside the session's join window.

    Raises PermissionDenied for anyone else, MeetingNotOpen (a Conflict that carries the
    window) before the window, after it, or when the session is not booked, and Unavailable
    when the meeting provider cannot be reached.
    """
    now = now or timezone.now()
    _check_open(session=session, user=user, now=now)
    try:
        locked, attendee = _join(session=session, user=user, now=now)
    except IntegrationError as exc:
        logger.warning("Joining the meeting of session %s failed: %s", session.pk, exc)
        raise Unavailable(
            _("The meeting service cannot be reached right now. Please try again in a minute."),
            code="meeting_unavailable",
        ) from exc
    session.meeting_provider = locked.meeting_provider
    session.meeting_id = locked.meeting_id
    session.meeting_info = locked.meeting_info
    opens, closes = meeting_window(session=session)
    return JoinInfo(
        session_id=session.pk,
        provider=locked.meeting_provider,
        meeting=locked.meeting_info,
        attendee=attendee.join_info(),
        ice_servers=ice_servers(),
        signalling_path=f"/ws/meetings/{session.pk}/",
        page_path=reverse("mentorship:meeting", kwargs={"session_id": session.pk}),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        opens_at=opens,
        closes_at=closes,
    )


def meetings_end_due(*, now: datetime | None = None) -> int:
    """End the meetings of sessions past their end plus the grace period, each exactly once.

    Each session is locked and checked again before its meeting is ended, so two beat runs
    (or a redelivered task) never end one meeting twice; a provider failure leaves the
    session for the next run. Returns how many meetings were ended.
    """
    now = now or timezone.now()
    cutoff = now - join_grace()
    due = list(
        MentorSession.objects.filter(meeting_ended_at__isnull=True, ends_at__lt=cutoff)
        .exclude(meeting_id="")
        .order_by("ends_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    ended = 0
    for session_id in due:
        try:
            ended += _end_one(session_id=session_id, now=now)
        except IntegrationError:
            logger.warning("Ending the meeting of session %s failed; next run retries.", session_id)
    return ended


def meeting_end(*, session_id: int, now: datetime | None = None) -> bool:
    """End one session's meeting now (it was cancelled or moved), unless it has none or it
    already ended; True when this call ended it."""
    return _end_one(session_id=session_id, now=now or timezone.now()) == 1


@transaction.atomic
def _end_one(*, session_id: int, now: datetime) -> int:
    session = (
        MentorSession.objects.select_for_update(skip_locked=True)
        .filter(pk=session_id, meeting_ended_at__isnull=True)
        .exclude(meeting_id="")
        .first()
    )
    if session is None:
        return 0
    provider_class = PROVIDER_CLASSES.get(session.meeting_provider)
    if provider_class is not None:
        provider_class().end_meeting(session.meeting_id)
    session.meeting_ended_at = now
    session.save(update_fields=["meeting_ended_at", "updated_at"])
    return 1
