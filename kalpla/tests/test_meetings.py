import pytest
from botocore.stub import Stubber

from kalpla.integrations import chime, ivs
from kalpla.integrations.aws import client as aws_client
from kalpla.integrations.base import IntegrationError, TransientIntegrationError

MEETING_ID = "4d8e0c1f-2a7b-4c3d-9e8f-1a2b3c4d5e6f"
ATTENDEE_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"

# CreateMeeting / CreateAttendee responses as documented in the Chime SDK Meetings API reference.
MEDIA_PLACEMENT = {
    "AudioHostUrl": "a1b2.k.m3.ue1.app.chime.aws:3478",
    "AudioFallbackUrl": "wss://haxrp.m3.ue1.app.chime.aws:443/calls/4d8e0c1f",
    "SignalingUrl": "wss://signal.m3.ue1.app.chime.aws/control/4d8e0c1f",
    "TurnControlUrl": "https://2713.cell.us-east-1.meetings.chime.aws/v2/turn_sessions",
    "ScreenDataUrl": "wss://bitpw.m3.ue1.app.chime.aws:443/v2/screen/4d8e0c1f",
    "ScreenViewingUrl": "wss://bitpw.m3.ue1.app.chime.aws:443/ws/connect?passcode=null",
    "ScreenSharingUrl": "wss://bitpw.m3.ue1.app.chime.aws:443/v2/screen/4d8e0c1f",
    "EventIngestionUrl": "https://data.svc.ue1.ingest.chime.aws/v1/client-events",
}
CREATE_MEETING = {
    "Meeting": {
        "MeetingId": MEETING_ID,
        "ExternalMeetingId": "mentorship-session-42",
        "MediaRegion": "ap-south-1",
        "MediaPlacement": MEDIA_PLACEMENT,
        "MeetingFeatures": {"Audio": {"EchoReduction": "AVAILABLE"}},
        "MeetingArn": f"arn:aws:chime:us-east-1:123456789012:meeting/{MEETING_ID}",
    }
}
CREATE_ATTENDEE = {
    "Attendee": {
        "ExternalUserId": "user-7",
        "AttendeeId": ATTENDEE_ID,
        "JoinToken": "ZjY2NzE5ZDAtNjQ5Zi00ZjFkLWJhYmYtZjQ0ZmIxNzI5ZDI5",
        "Capabilities": {"Audio": "SendReceive", "Video": "SendReceive", "Content": "SendReceive"},
    }
}


@pytest.fixture
def chime_stub(settings):
    settings.KALPLA_CHIME_MEDIA_REGION = "ap-south-1"
    client = aws_client("chime-sdk-meetings", region_name="us-east-1")
    with Stubber(client) as stub:
        yield chime.AwsMeetingProvider(client=client), stub
        stub.assert_no_pending_responses()


# --- Chime (Stubber: moto has no Chime SDK Meetings) ---------------------------------------


def test_chime_create_meeting_request_and_join_info(chime_stub):
    provider, stub = chime_stub
    stub.add_response(
        "create_meeting",
        CREATE_MEETING,
        expected_params={
            "ClientRequestToken": "mentorship-session-42",
            "MediaRegion": "ap-south-1",
            "ExternalMeetingId": "mentorship-session-42",
        },
    )
    meeting = provider.create_meeting(external_id="mentorship-session-42", title="Career chat")
    assert (meeting.meeting_id, meeting.provider) == (MEETING_ID, "chime")
    assert meeting.join_info == {
        "provider": "chime",
        "title": "Career chat",
        "Meeting": {
            "MeetingId": MEETING_ID,
            "ExternalMeetingId": "mentorship-session-42",
            "MediaRegion": "ap-south-1",
            "MediaPlacement": MEDIA_PLACEMENT,
        },
    }


def test_chime_ids_are_made_safe_for_the_api(chime_stub):
    provider, stub = chime_stub
    stub.add_response(
        "create_meeting",
        CREATE_MEETING,
        expected_params={
            "ClientRequestToken": "session-42-2026-11-25",
            "MediaRegion": "ap-south-1",
            "ExternalMeetingId": "session-42-2026-11-25",
        },
    )
    provider.create_meeting(external_id="session:42/2026.11.25", title="x")


def test_chime_create_attendee(chime_stub):
    provider, stub = chime_stub
    stub.add_response(
        "create_attendee",
        CREATE_ATTENDEE,
        expected_params={"MeetingId": MEETING_ID, "ExternalUserId": "user-7"},
    )
    attendee = provider.create_attendee(meeting_id=MEETING_ID, user_external_id="user-7")
    assert attendee.attendee_id == ATTENDEE_ID
    assert attendee.join_token == CREATE_ATTENDEE["Attendee"]["JoinToken"]
    assert attendee.join_info() == {
        "AttendeeId": ATTENDEE_ID,
        "ExternalUserId": "user-7",
        "JoinToken": CREATE_ATTENDEE["Attendee"]["JoinToken"],
    }


def test_chime_end_meeting_is_idempotent(chime_stub):
    provider, stub = chime_stub
    stub.add_response("delete_meeting", {}, expected_params={"MeetingId": MEETING_ID})
    stub.add_client_error("delete_meeting", "NotFoundException", http_status_code=404)
    provider.end_meeting(MEETING_ID)
    provider.end_meeting(MEETING_ID)


def test_chime_errors_map_to_integration_errors(chime_stub):
    provider, stub = chime_stub
    stub.add_client_error("create_meeting", "ThrottlingException", http_status_code=429)
    stub.add_client_error("create_attendee", "BadRequestException", http_status_code=400)
    stub.add_client_error("delete_meeting", "ForbiddenException", http_status_code=403)
    with pytest.raises(TransientIntegrationError):
        provider.create_meeting(external_id="s-1", title="x")
    with pytest.raises(IntegrationError) as info:
        provider.create_attendee(meeting_id=MEETING_ID, user_external_id="user-7")
    assert not isinstance(info.value, TransientIntegrationError)
    with pytest.raises(IntegrationError):
        provider.end_meeting(MEETING_ID)


def test_meeting_provider_is_the_aws_backend_when_configured(settings, monkeypatch):
    settings.KALPLA_MEETINGS_BACKEND = "aws"
    settings.KALPLA_CHIME_MEDIA_REGION = "ap-south-1"
    client = aws_client("chime-sdk-meetings", region_name="us-east-1")
    real = chime.AwsMeetingProvider
    monkeypatch.setattr(chime, "AwsMeetingProvider", lambda: real(client=client))
    with Stubber(client) as stub:
        stub.add_response("create_meeting", CREATE_MEETING)
        stub.add_response("create_attendee", CREATE_ATTENDEE)
        stub.add_response("delete_meeting", {})
        provider = chime.get_meeting_provider()
        meeting = provider.create_meeting(external_id="mentorship-session-42", title="Chat")
        attendee = provider.create_attendee(
            meeting_id=meeting.meeting_id, user_external_id="user-7"
        )
        provider.end_meeting(meeting.meeting_id)
        stub.assert_no_pending_responses()
    assert meeting.join_info["Meeting"]["MeetingId"] == MEETING_ID
    assert attendee.join_info()["JoinToken"] == attendee.join_token


# --- local meetings ------------------------------------------------------------------------


def test_local_meeting_is_clearly_labelled(settings):
    settings.KALPLA_MEETINGS_BACKEND = "local"
    settings.SITE_URL = "http://127.0.0.1:8000"
    provider = chime.get_meeting_provider()
    meeting = provider.create_meeting(external_id="mentorship-session-42", title="Career chat")
    assert meeting.provider == "local"
    assert meeting.join_info == {
        "provider": "local",
        "title": "Career chat",
        "room_url": f"http://127.0.0.1:8000/meet/{meeting.meeting_id}/",
        "note": "Local meeting room for offline demos",
    }
    # same external id -> same meeting, as Chime does for a repeated request token
    again = provider.create_meeting(external_id="mentorship-session-42", title="Career chat")
    assert again.meeting_id == meeting.meeting_id
    attendee = provider.create_attendee(meeting_id=meeting.meeting_id, user_external_id="user-7")
    assert attendee.provider == "local" and attendee.join_token.startswith("local-")
    provider.end_meeting(meeting.meeting_id)


# --- IVS -----------------------------------------------------------------------------------


def test_ivs_channel_lifecycle_on_moto(aws, settings):
    settings.KALPLA_IVS_CHANNEL_TYPE = "STANDARD"
    provider = ivs.get_live_video_provider()
    channel = provider.create_channel(name="mentor session 7")
    assert channel.provider == "ivs"
    assert channel.channel_id.startswith("arn:aws:ivs:us-east-1:123456789012:channel/")
    assert channel.name == "mentor-session-7"
    assert channel.ingest_url == f"rtmps://{channel.ingest_endpoint}:443/app/"
    assert channel.stream_key.startswith("sk_us-east-1_")
    assert channel.playback_url.endswith(".m3u8")
    assert channel.for_viewer() == {"provider": "ivs", "playback_url": channel.playback_url}
    stored = aws_client("ivs").get_channel(arn=channel.channel_id)["channel"]
    assert stored["type"] == "STANDARD"

    provider.delete_channel(channel.channel_id)
    with pytest.raises(aws_client("ivs").exceptions.ResourceNotFoundException):
        aws_client("ivs").get_channel(arn=channel.channel_id)
    provider.delete_channel(channel.channel_id)  # already gone: fine


def test_ivs_create_channel_request_shape(settings):
    settings.KALPLA_IVS_CHANNEL_TYPE = "BASIC"
    client = aws_client("ivs", region_name="us-east-1")
    arn = "arn:aws:ivs:us-east-1:123456789012:channel/abcdEFGH1234"
    with Stubber(client) as stub:
        stub.add_response(
            "create_channel",
            {
                "channel": {
                    "arn": arn,
                    "name": "session-7",
                    "type": "BASIC",
                    "ingestEndpoint": "482f0b2c6d9e.global-contribute.live-video.net",
                    "playbackUrl": "https://482f0b2c6d9e.us-east-1.playback.live-video.net/api/video/v1/x.m3u8",
                    "latencyMode": "LOW",
                    "authorized": False,
                },
                "streamKey": {
                    "arn": arn.replace("channel", "stream-key"),
                    "value": "sk_us-east-1_secret",
                    "channelArn": arn,
                },
            },
            expected_params={"name": "session-7", "type": "BASIC"},
        )
        stub.add_client_error("delete_channel", "ConflictException", http_status_code=409)
        provider = ivs.AwsLiveVideoProvider(client=client)
        channel = provider.create_channel(name="session-7")
        with pytest.raises(IntegrationError):
            provider.delete_channel(arn)  # e.g. the channel is live right now
        stub.assert_no_pending_responses()
    assert channel.ingest_url == "rtmps://482f0b2c6d9e.global-contribute.live-video.net:443/app/"
    assert channel.stream_key == "sk_us-east-1_secret"


def test_local_live_channel_is_clearly_labelled(settings):
    settings.KALPLA_MEETINGS_BACKEND = "local"
    settings.SITE_URL = "http://127.0.0.1:8000/"
    provider = ivs.get_live_video_provider()
    first = provider.create_channel(name="session 7")
    second = provider.create_channel(name="session 7")
    assert first.provider == "local"
    assert first.ingest_url == "rtmp://127.0.0.1/live"
    assert first.playback_url == f"http://127.0.0.1:8000/live/{first.channel_id}/"
    assert first.stream_key.startswith("local_sk_") and first.stream_key != second.stream_key
    assert "stream_key" not in first.for_viewer()
    provider.delete_channel(first.channel_id)
