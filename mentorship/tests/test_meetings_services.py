"""Joining a session's meeting (one meeting per session, an attendee per join, the join window,
Chime through boto3) and ending meetings after sessions, exactly once."""

import threading
import time
from datetime import timedelta

import pytest
from botocore.stub import Stubber
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from kalpla.exceptions import PermissionDenied, Unavailable
from kalpla.integrations import aws, chime
from mentorship.models import MentorSession
from mentorship.services.meetings import (
    MeetingNotOpen,
    ice_servers,
    meeting_end,
    meeting_join,
    meetings_end_due,
)
from mentorship.signals import session_changed
from mentorship.tasks_meetings import meetings_end_due_task
from mentorship.tests.factories import MentorSessionFactory

MEETING_ID = "4d8e0c1f-2a7b-4c3d-9e8f-1a2b3c4d5e6f"
MEDIA_PLACEMENT = {
    "AudioHostUrl": "a1b2.k.m3.as1.app.chime.aws:3478",
    "AudioFallbackUrl": "wss://haxrp.m3.as1.app.chime.aws:443/calls/4d8e0c1f",
    "SignalingUrl": "wss://signal.m3.as1.app.chime.aws/control/4d8e0c1f",
    "TurnControlUrl": "https://2713.cell.ap-south-1.meetings.chime.aws/v2/turn_sessions",
}


def session_starting_in(minutes: float, **kwargs) -> MentorSession:
    start = timezone.now() + timedelta(minutes=minutes)
    return MentorSessionFactory(starts_at=start, ends_at=start + timedelta(minutes=30), **kwargs)


def chime_meeting(external_id: str) -> dict:
    return {
        "Meeting": {
            "MeetingId": MEETING_ID,
            "ExternalMeetingId": external_id,
            "MediaRegion": "ap-south-1",
            "MediaPlacement": MEDIA_PLACEMENT,
        }
    }


def chime_attendee(user_id: int, n: int) -> dict:
    return {
        "Attendee": {
            "ExternalUserId": f"user-{user_id}",
            "AttendeeId": f"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c{n:02d}",
            "JoinToken": f"token-{n}-ZjY2NzE5ZDAtNjQ5Zi00ZjFk",
        }
    }


@pytest.fixture
def chime_stub(settings, monkeypatch):
    """The aws backend's boto3 client, answered by botocore's Stubber (moto has no Chime SDK
    Meetings): requests are validated against the real API model."""
    settings.KALPLA_MEETINGS_BACKEND = "aws"
    settings.KALPLA_CHIME_MEDIA_REGION = "ap-south-1"
    client = aws.client("chime-sdk-meetings", region_name="us-east-1")
    monkeypatch.setattr(chime.aws, "client", lambda *args, **kwargs: client)
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


# --- joining --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_meeting_join_gives_both_participants_one_meeting_and_each_join_an_attendee():
    session = session_starting_in(5)
    mentor_info = meeting_join(session=session, user=session.mentor)
    mentee_info = meeting_join(session=session, user=session.mentee)
    again = meeting_join(session=session, user=session.mentee)

    session.refresh_from_db()
    assert session.meeting_provider == "local" and session.meeting_id
    assert mentor_info.meeting == mentee_info.meeting == session.meeting_info
    assert session.meeting_info["room_url"].endswith(f"/mentoring/sessions/{session.pk}/meeting/")
    assert mentor_info.attendee["ExternalUserId"] == f"user-{session.mentor_id}"
    assert mentee_info.attendee["ExternalUserId"] == f"user-{session.mentee_id}"
    # a new attendee (join token) per join
    assert again.attendee["JoinToken"] != mentee_info.attendee["JoinToken"]
    assert mentor_info.signalling_path == f"/ws/meetings/{session.pk}/"
    assert mentor_info.opens_at == session.starts_at - timedelta(minutes=10)
    assert mentor_info.closes_at == session.ends_at + timedelta(minutes=15)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["stranger", "staff"])
def test_meeting_join_refuses_anyone_but_the_two_participants(who):
    session = session_starting_in(0)
    user = UserFactory(is_staff=who == "staff")
    with pytest.raises(PermissionDenied) as refused:
        meeting_join(session=session, user=user)
    assert refused.value.code == "not_participant"
    session.refresh_from_db()
    assert session.meeting_id == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset", "opens"),
    [
        (timedelta(minutes=-10, seconds=-1), False),  # just before the window
        (timedelta(minutes=-10), True),  # 10 minutes before the start
        (timedelta(minutes=30 + 15), True),  # the end plus the grace period
        (timedelta(minutes=30 + 15, seconds=1), False),  # just after
    ],
)
def test_meeting_join_window_edges(settings, offset, opens):
    settings.KALPLA_MEETING_GRACE_MINUTES = 15
    session = session_starting_in(60)
    now = session.starts_at + offset
    if opens:
        assert meeting_join(session=session, user=session.mentee, now=now).provider == "local"
        return
    with pytest.raises(MeetingNotOpen) as closed:
        meeting_join(session=session, user=session.mentee, now=now)
    assert closed.value.code == "meeting_not_open"
    assert closed.value.opens_at == session.starts_at - timedelta(minutes=10)
    assert closed.value.closes_at == session.ends_at + timedelta(minutes=15)


@pytest.mark.django_db
def test_meeting_join_before_the_window_says_when_it_opens():
    session = session_starting_in(60)
    with pytest.raises(MeetingNotOpen) as closed:
        meeting_join(session=session, user=session.mentor)
    assert "opens at" in closed.value.message


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["cancelled", "completed", "no_show"])
def test_meeting_join_refuses_sessions_that_are_not_booked(status):
    session = session_starting_in(0, status=status)
    with pytest.raises(MeetingNotOpen):
        meeting_join(session=session, user=session.mentor)


@pytest.mark.django_db
def test_meeting_join_refuses_an_ended_meeting():
    session = session_starting_in(0)
    meeting_join(session=session, user=session.mentor)
    MentorSession.objects.filter(pk=session.pk).update(meeting_ended_at=timezone.now())
    session.refresh_from_db()
    with pytest.raises(MeetingNotOpen):
        meeting_join(session=session, user=session.mentee)


@pytest.mark.django_db(transaction=True)
def test_meeting_join_two_joiners_at_once_create_one_meeting(monkeypatch, postgresql_only):
    session = session_starting_in(0)
    created: list[str] = []

    class SlowProvider(chime.LocalMeetingProvider):
        def create_meeting(self, *, external_id: str, title: str) -> chime.Meeting:
            created.append(external_id)
            time.sleep(0.3)  # the second joiner arrives while the first creates the meeting
            return super().create_meeting(external_id=external_id, title=title)

    monkeypatch.setattr(chime, "get_meeting_provider", SlowProvider)
    results: dict[str, object] = {}

    def join(user, key):
        try:
            results[key] = meeting_join(session=MentorSession.objects.get(pk=session.pk), user=user)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=join, args=(session.mentor, "mentor")),
        threading.Thread(target=join, args=(session.mentee, "mentee")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(created) == 1
    assert results["mentor"].meeting == results["mentee"].meeting  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_meeting_join_with_aws_creates_one_chime_meeting_and_an_attendee_per_join(chime_stub):
    session = session_starting_in(5)
    external = f"session-{session.pk}-{session.ical_uid}".replace("@", "-")
    chime_stub.add_response(
        "create_meeting",
        chime_meeting(external),
        expected_params={
            "ClientRequestToken": external,
            "MediaRegion": "ap-south-1",
            "ExternalMeetingId": external,
        },
    )
    for n, user in enumerate((session.mentor, session.mentee, session.mentee)):
        chime_stub.add_response(
            "create_attendee",
            chime_attendee(user.pk, n),
            expected_params={"MeetingId": MEETING_ID, "ExternalUserId": f"user-{user.pk}"},
        )

    mentor_info = meeting_join(session=session, user=session.mentor)
    mentee_info = meeting_join(session=session, user=session.mentee)
    rejoin = meeting_join(session=session, user=session.mentee)

    assert mentor_info.provider == mentee_info.provider == "chime"
    assert mentee_info.meeting["Meeting"]["MeetingId"] == MEETING_ID
    assert mentee_info.meeting["Meeting"]["MediaPlacement"] == MEDIA_PLACEMENT
    assert mentor_info.attendee["AttendeeId"].endswith("c00")
    assert (mentee_info.attendee["AttendeeId"], rejoin.attendee["AttendeeId"]) == (
        "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c01",
        "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c02",
    )
    session.refresh_from_db()
    assert (session.meeting_provider, session.meeting_id) == ("chime", MEETING_ID)


@pytest.mark.django_db
def test_meeting_join_makes_a_new_meeting_when_the_backend_changed(chime_stub):
    session = session_starting_in(0)
    MentorSession.objects.filter(pk=session.pk).update(
        meeting_provider="local", meeting_id="old-local-room", meeting_info={"provider": "local"}
    )
    session.refresh_from_db()
    external = f"session-{session.pk}-{session.ical_uid}".replace("@", "-")
    chime_stub.add_response("create_meeting", chime_meeting(external))
    chime_stub.add_response("create_attendee", chime_attendee(session.mentor_id, 1))
    info = meeting_join(session=session, user=session.mentor)
    assert info.provider == "chime"
    session.refresh_from_db()
    assert session.meeting_id == MEETING_ID


def test_ice_servers_from_settings(settings):
    settings.KALPLA_WEBRTC_ICE_URLS = ["stun:stun.example.org:3478", "turn:turn.example.org:3478"]
    settings.KALPLA_WEBRTC_TURN_USERNAME = "kalpla"
    settings.KALPLA_WEBRTC_TURN_PASSWORD = "secret"
    assert ice_servers() == [
        {"urls": ["stun:stun.example.org:3478"]},
        {"urls": ["turn:turn.example.org:3478"], "username": "kalpla", "credential": "secret"},
    ]
    settings.KALPLA_WEBRTC_ICE_URLS = []
    assert ice_servers() == []


# --- ending meetings ------------------------------------------------------------------------


def with_meeting(session: MentorSession, *, provider: str = "local", meeting_id: str = "room"):
    MentorSession.objects.filter(pk=session.pk).update(
        meeting_provider=provider, meeting_id=meeting_id, meeting_info={"provider": provider}
    )
    session.refresh_from_db()
    return session


@pytest.mark.django_db
def test_meetings_end_due_ends_meetings_past_end_plus_grace_exactly_once(settings):
    settings.KALPLA_MEETING_GRACE_MINUTES = 15
    due = with_meeting(session_starting_in(-60))  # ended 30 minutes ago
    in_grace = with_meeting(session_starting_in(-40))  # ended 10 minutes ago
    no_meeting = session_starting_in(-60)

    assert meetings_end_due() == 1
    assert meetings_end_due() == 0  # a second run ends nothing again

    due.refresh_from_db()
    in_grace.refresh_from_db()
    no_meeting.refresh_from_db()
    assert due.meeting_ended_at is not None
    assert in_grace.meeting_ended_at is None and no_meeting.meeting_ended_at is None


@pytest.mark.django_db
def test_meetings_end_due_deletes_the_chime_meeting_once(chime_stub):
    due = with_meeting(session_starting_in(-120), provider="chime", meeting_id=MEETING_ID)
    chime_stub.add_response("delete_meeting", {}, expected_params={"MeetingId": MEETING_ID})
    assert meetings_end_due_task() == 1
    # the Stubber has no second answer: a second delete would fail the test
    assert meetings_end_due_task() == 0
    due.refresh_from_db()
    assert due.meeting_ended_at is not None


@pytest.mark.django_db
def test_meetings_end_due_treats_a_meeting_chime_already_ended_as_ended(chime_stub):
    due = with_meeting(session_starting_in(-120), provider="chime", meeting_id=MEETING_ID)
    chime_stub.add_client_error(
        "delete_meeting", service_error_code="NotFoundException", http_status_code=404
    )
    assert meetings_end_due() == 1
    due.refresh_from_db()
    assert due.meeting_ended_at is not None


@pytest.mark.django_db
def test_meetings_end_due_leaves_a_failed_end_for_the_next_run(chime_stub):
    due = with_meeting(session_starting_in(-120), provider="chime", meeting_id=MEETING_ID)
    chime_stub.add_client_error(
        "delete_meeting", service_error_code="ServiceFailureException", http_status_code=500
    )
    assert meetings_end_due() == 0
    due.refresh_from_db()
    assert due.meeting_ended_at is None
    chime_stub.add_response("delete_meeting", {}, expected_params={"MeetingId": MEETING_ID})
    assert meetings_end_due() == 1


@pytest.mark.django_db
def test_meeting_join_replaces_a_chime_meeting_that_ended_by_itself(chime_stub):
    session = session_starting_in(0)
    first = f"session-{session.pk}-{session.ical_uid}".replace("@", "-")
    chime_stub.add_response("create_meeting", chime_meeting(first))
    chime_stub.add_response("create_attendee", chime_attendee(session.mentor_id, 1))
    meeting_join(session=session, user=session.mentor)
    # Chime ended the empty meeting; the mentee's join finds it gone
    chime_stub.add_client_error(
        "create_attendee", service_error_code="NotFoundException", http_status_code=404
    )
    second = f"session-{session.pk}-g2-{session.ical_uid}".replace("@", "-")[:64]
    replacement = chime_meeting(second)
    replacement["Meeting"]["MeetingId"] = "5e9f1d2a-3b8c-4d4e-8f9a-2b3c4d5e6f70"
    chime_stub.add_response(
        "create_meeting",
        replacement,
        expected_params={
            "ClientRequestToken": second,
            "MediaRegion": "ap-south-1",
            "ExternalMeetingId": second,
        },
    )
    chime_stub.add_response("create_attendee", chime_attendee(session.mentee_id, 2))

    info = meeting_join(session=session, user=session.mentee)

    assert info.meeting["Meeting"]["MeetingId"] == "5e9f1d2a-3b8c-4d4e-8f9a-2b3c4d5e6f70"
    session.refresh_from_db()
    assert session.meeting_id == "5e9f1d2a-3b8c-4d4e-8f9a-2b3c4d5e6f70"
    assert session.meeting_info["generation"] == 2


@pytest.mark.django_db
def test_meeting_join_when_chime_is_down_is_unavailable(chime_stub):
    session = session_starting_in(0)
    chime_stub.add_client_error(
        "create_meeting", service_error_code="ServiceUnavailableException", http_status_code=503
    )
    with pytest.raises(Unavailable) as down:
        meeting_join(session=session, user=session.mentor)
    assert down.value.code == "meeting_unavailable"
    session.refresh_from_db()
    assert session.meeting_id == ""


def test_meetings_end_due_task_is_registered_and_scheduled(settings):
    from kalpla.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mentorship.meetings_end_due" in scheduled
    assert "mentorship.meetings_end_due" in app.tasks


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "ends"), [("cancelled", True), ("rescheduled", True), ("completed", False)]
)
def test_session_changed_ends_the_meeting_of_a_cancelled_or_moved_session(chime_stub, change, ends):
    session = with_meeting(session_starting_in(60), provider="chime", meeting_id=MEETING_ID)
    if ends:
        chime_stub.add_response("delete_meeting", {}, expected_params={"MeetingId": MEETING_ID})
    session_changed.send(sender=MentorSession, session=session, by=session.mentee, change=change)
    session.refresh_from_db()
    assert (session.meeting_ended_at is not None) is ends
    # once only: a second change finds it ended (the Stubber has no second answer)
    session_changed.send(sender=MentorSession, session=session, by=session.mentee, change=change)


@pytest.mark.django_db
def test_meeting_end_without_a_meeting_does_nothing():
    session = session_starting_in(60)
    assert meeting_end(session_id=session.pk) is False
    session.refresh_from_db()
    assert session.meeting_ended_at is None
