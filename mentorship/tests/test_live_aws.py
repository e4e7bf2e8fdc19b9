"""Live classes on the aws backend: IVS channels through boto3 against the moto server.

moto's IVS has channels (create, get, list, update, delete) but no stream-key calls; rotating a
key on moto takes the provider's fallback (a new channel). The in-place rotation that real
IVS supports is checked against botocore's own model of the IVS API with its Stubber.
"""

from datetime import timedelta

import pytest
from botocore.stub import Stubber
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from kalpla.integrations import aws as aws_clients
from kalpla.integrations.ivs import AwsLiveVideoProvider
from mentorship.models import LiveClass
from mentorship.services import live as services

pytestmark = pytest.mark.django_db

ARN = "arn:aws:ivs:us-east-1:123456789012:channel/abcd"


def _channel_exists(arn: str) -> bool:
    client = aws_clients.client("ivs")
    try:
        client.get_channel(arn=arn)
    except client.exceptions.ResourceNotFoundException:
        return False
    return True


def _schedule() -> LiveClass:
    host = UserFactory(roles=("Mentor",))
    return services.live_class_schedule(
        course=CourseFactory(instructors=[host]),
        host=host,
        title="Recursion, live",
        starts_at=timezone.now() + timedelta(minutes=10),
        duration_minutes=60,
    )


def test_live_class_on_aws_creates_rotates_and_deletes_the_ivs_channel(
    aws, settings, django_capture_on_commit_callbacks
):
    settings.KALPLA_IVS_CHANNEL_TYPE = "STANDARD"
    live = _schedule()
    assert live.provider == "ivs" and live.channel_id.startswith("arn:aws:ivs:us-east-1:")
    assert live.ingest_url.startswith("rtmps://") and live.stream_key.startswith("sk_")
    assert live.playback_url.endswith(".m3u8")
    assert _channel_exists(live.channel_id)

    old_arn, old_key = live.channel_id, live.stream_key
    services.live_class_stream_key_regenerate(live_class=live, by=live.host)
    live.refresh_from_db()
    assert live.stream_key != old_key and live.stream_key.startswith("sk_")
    assert not _channel_exists(old_arn) and _channel_exists(live.channel_id)

    services.live_class_start(live_class=live, by=live.host)
    with django_capture_on_commit_callbacks(execute=True):
        services.live_class_end(live_class=live, by=live.host)
    assert not _channel_exists(live.channel_id)


def test_live_class_cancel_on_aws_deletes_the_channel(aws, django_capture_on_commit_callbacks):
    live = _schedule()
    with django_capture_on_commit_callbacks(execute=True):
        services.live_class_cancel(live_class=live, by=live.host)
    assert not _channel_exists(live.channel_id)


def test_ivs_rotate_stream_key_in_place_with_the_stream_key_calls(settings):
    client = aws_clients.client("ivs", endpoint_url="https://ivs.invalid")
    stubber = Stubber(client)
    old_key_arn = "arn:aws:ivs:us-east-1:123456789012:stream-key/old"
    stubber.add_response(
        "list_stream_keys",
        {"streamKeys": [{"arn": old_key_arn, "channelArn": ARN}]},
        {"channelArn": ARN},
    )
    stubber.add_response("delete_stream_key", {}, {"arn": old_key_arn})
    stubber.add_response(
        "create_stream_key",
        {
            "streamKey": {
                "arn": "arn:aws:ivs:us-east-1:123456789012:stream-key/new",
                "channelArn": ARN,
                "value": "sk_us-east-1_new",
            }
        },
        {"channelArn": ARN},
    )
    stubber.add_response(
        "get_channel",
        {
            "channel": {
                "arn": ARN,
                "name": "kalpla-1-x",
                "ingestEndpoint": "abc.live-video.net",
                "playbackUrl": "https://abc.live-video.net/x.m3u8",
            }
        },
        {"arn": ARN},
    )
    with stubber:
        channel = AwsLiveVideoProvider(client=client).rotate_stream_key(
            channel_id=ARN, name="kalpla 1 x"
        )
    stubber.assert_no_pending_responses()
    assert channel.channel_id == ARN and channel.stream_key == "sk_us-east-1_new"
    assert channel.ingest_url == "rtmps://abc.live-video.net:443/app/"


def test_ivs_rotate_stream_key_reports_other_errors():
    from kalpla.integrations.base import IntegrationError

    client = aws_clients.client("ivs", endpoint_url="https://ivs.invalid")
    stubber = Stubber(client)
    stubber.add_client_error("list_stream_keys", "AccessDeniedException", http_status_code=403)
    with stubber, pytest.raises(IntegrationError):
        AwsLiveVideoProvider(client=client).rotate_stream_key(channel_id=ARN, name="x")
