import hashlib
import json

import pytest
from botocore.stub import Stubber
from django.core.exceptions import ValidationError

from kalpla.integrations import sns
from kalpla.integrations.aws import client as aws_client
from kalpla.integrations.base import IntegrationError, TransientIntegrationError
from kalpla.models import OutboxMessage
from kalpla.testing.moto import moto_data

PHONE = "+919876543210"


@pytest.fixture
def fcm_app(aws, settings):
    """An FCM platform application in moto, configured as the app's FCM application."""
    arn = aws_client("sns").create_platform_application(
        Name="kalpla-android", Platform="GCM", Attributes={"PlatformCredential": "fcm-key"}
    )["PlatformApplicationArn"]
    settings.KALPLA_SNS_FCM_APPLICATION_ARN = arn
    return arn


# --- local backend -------------------------------------------------------------------------


@pytest.mark.django_db
def test_local_sms_is_recorded_in_the_outbox():
    result = sns.LocalMessenger().send_sms(phone=PHONE, text="Your code is 123456")
    row = OutboxMessage.objects.get()
    assert (row.channel, row.to, row.body) == ("sms", PHONE, "Your code is 123456")
    assert row.message_id == result.message_id
    assert (result.provider, result.channel) == ("local", "sms")


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["9876543210", "+0123456789", "+91 98765 43210", "", "+1"])
def test_sms_needs_an_e164_phone_number(phone):
    with pytest.raises(ValidationError):
        sns.LocalMessenger().send_sms(phone=phone, text="hi")
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_local_devices_and_push():
    messenger = sns.LocalMessenger()
    device = messenger.register_device(platform="fcm", token="device-token-1")
    digest = hashlib.sha256(b"device-token-1").hexdigest()[:16]
    assert device.endpoint_id == f"local:fcm:{digest}"
    assert device.enabled and messenger.endpoint_enabled(device.endpoint_id)
    assert messenger.register_device(platform="fcm", token="device-token-1") == device

    result = messenger.push(
        endpoint_id=device.endpoint_id, title="Graded", body="9/10", data={"course": 3}
    )
    row = OutboxMessage.objects.get(message_id=result.message_id)
    assert (row.channel, row.to, row.title, row.body) == (
        "push",
        device.endpoint_id,
        "Graded",
        "9/10",
    )
    assert row.data == {"course": 3}
    messenger.unregister_device(device.endpoint_id)


def test_unknown_push_platform_is_refused():
    with pytest.raises(ValidationError):
        sns.LocalMessenger().register_device(platform="windows", token="t")  # type: ignore[arg-type]


def test_backend_follows_the_messaging_setting(settings, aws):
    settings.KALPLA_MESSAGING_BACKEND = "local"
    assert isinstance(sns.get_messenger(), sns.LocalMessenger)
    settings.KALPLA_MESSAGING_BACKEND = "aws"
    assert isinstance(sns.get_messenger(), sns.AwsMessenger)


# --- AWS backend against moto --------------------------------------------------------------


def test_aws_sms_is_published_to_sns(aws):
    result = sns.get_messenger().send_sms(phone=PHONE, text="Your code is 123456")
    assert result.provider == "sns"
    sent = moto_data(aws)["sns"]["SMS"]
    assert [(s["message_id"], s["phone_number"], s["message"]) for s in sent] == [
        (result.message_id, PHONE, "Your code is 123456")
    ]


@pytest.mark.parametrize(
    ("transactional", "sms_type"), [(True, "Transactional"), (False, "Promotional")]
)
def test_aws_sms_request_carries_type_and_sender_id(settings, transactional, sms_type):
    settings.KALPLA_SNS_SMS_SENDER_ID = "KALPLA"
    client = aws_client("sns", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response(
            "publish",
            {"MessageId": "m-1"},
            expected_params={
                "PhoneNumber": PHONE,
                "Message": "hi",
                "MessageAttributes": {
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": sms_type},
                    "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "KALPLA"},
                },
            },
        )
        result = sns.AwsMessenger(client=client).send_sms(
            phone=PHONE, text="hi", transactional=transactional
        )
        stub.assert_no_pending_responses()
    assert result.message_id == "m-1"


def test_aws_sms_validates_the_phone_before_calling_sns(aws):
    with pytest.raises(ValidationError):
        sns.get_messenger().send_sms(phone="12345", text="hi")
    # moto lists a service only once something called it since the reset: none did here
    assert moto_data(aws).get("sns", {}).get("SMS", []) == []


def test_aws_push_without_a_platform_application_says_what_to_configure(aws, settings):
    settings.KALPLA_SNS_APNS_APPLICATION_ARN = ""
    with pytest.raises(IntegrationError, match="KALPLA_SNS_APNS_APPLICATION_ARN"):
        sns.get_messenger().register_device(platform="apns", token="apns-token")


def test_aws_register_device_and_push(fcm_app, aws):
    messenger = sns.get_messenger()
    device = messenger.register_device(platform="fcm", token="fcm-token-1", user_data="user:7")
    assert device.endpoint_id.startswith("arn:aws:sns:us-east-1:123456789012:endpoint/GCM/")
    assert device.enabled and messenger.endpoint_enabled(device.endpoint_id)

    result = messenger.push(
        endpoint_id=device.endpoint_id, title="Graded", body="9/10", data={"course_id": 3}
    )
    [endpoint] = [
        e for e in moto_data(aws)["sns"]["PlatformEndpoint"] if e["arn"] == device.endpoint_id
    ]
    assert endpoint["custom_user_data"] == "user:7"
    payload = json.loads(endpoint["messages"][result.message_id])
    fcm = json.loads(payload["GCM"])["fcmV1Message"]["message"]
    assert fcm["notification"] == {"title": "Graded", "body": "9/10"}
    assert fcm["data"] == {"course_id": "3"}  # FCM data values are strings
    apns = json.loads(payload["APNS"])
    assert apns["aps"]["alert"] == {"title": "Graded", "body": "9/10"}
    assert apns["course_id"] == 3


def test_aws_disabled_endpoint_raises_and_registering_again_revives_it(fcm_app, aws):
    messenger = sns.get_messenger()
    device = messenger.register_device(platform="fcm", token="fcm-token-2")
    # SNS disables endpoints whose token the push service rejected
    aws_client("sns").set_endpoint_attributes(
        EndpointArn=device.endpoint_id, Attributes={"Enabled": "false"}
    )
    assert messenger.endpoint_enabled(device.endpoint_id) is False
    with pytest.raises(sns.EndpointDisabled) as info:
        messenger.push(endpoint_id=device.endpoint_id, title="t", body="b")
    assert info.value.endpoint_id == device.endpoint_id

    # the app starts again and registers the same token: same endpoint, enabled
    again = messenger.register_device(platform="fcm", token="fcm-token-2")
    assert again.endpoint_id == device.endpoint_id
    assert messenger.endpoint_enabled(device.endpoint_id) is True
    messenger.push(endpoint_id=device.endpoint_id, title="t", body="b")


def test_aws_unregister_device(fcm_app, aws):
    messenger = sns.get_messenger()
    device = messenger.register_device(platform="fcm", token="fcm-token-3")
    messenger.unregister_device(device.endpoint_id)
    assert messenger.endpoint_enabled(device.endpoint_id) is False
    messenger.unregister_device(device.endpoint_id)  # already gone: fine


def test_aws_throttled_sms_is_transient():
    client = aws_client("sns", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("publish", "Throttling", http_status_code=400)
        with pytest.raises(TransientIntegrationError):
            sns.AwsMessenger(client=client).send_sms(phone=PHONE, text="hi")
