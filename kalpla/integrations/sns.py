"""SMS and mobile push (Amazon SNS), with a local backend that writes to the outbox table.

Device endpoints are opaque ids to callers: an SNS endpoint ARN on AWS,
``local:<platform>:<sha256(token)[:16]>`` locally.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.exceptions import ValidationError

from kalpla.integrations import aws
from kalpla.integrations.base import IntegrationError, choose_backend

Platform = Literal["apns", "fcm"]
PLATFORMS: tuple[Platform, ...] = ("apns", "fcm")

# "+", a country code and the number: 7 to 15 digits. \Z, not $: $ also matches before a
# trailing newline. The API states this pattern (spectacular writes \Z as $).
E164_PATTERN = r"^\+[1-9]\d{6,14}\Z"
E164 = re.compile(E164_PATTERN)


class EndpointDisabled(IntegrationError):
    """The push endpoint is disabled or gone (app uninstalled, token expired).

    Callers drop the device registration; sending again will not help.
    """

    def __init__(self, endpoint_id: str, detail: str = "") -> None:
        self.endpoint_id = endpoint_id
        super().__init__(f"Push endpoint {endpoint_id} is disabled. {detail}".strip())


@dataclass(frozen=True)
class MessageResult:
    message_id: str
    channel: Literal["sms", "push"]
    to: str
    provider: Literal["sns", "local"]


@dataclass(frozen=True)
class DeviceEndpoint:
    endpoint_id: str
    platform: Platform
    enabled: bool


class Messenger(Protocol):
    def send_sms(self, *, phone: str, text: str, transactional: bool = True) -> MessageResult: ...

    def register_device(
        self, *, platform: Platform, token: str, user_data: str = ""
    ) -> DeviceEndpoint: ...

    def unregister_device(self, endpoint_id: str) -> None: ...

    def push(
        self, *, endpoint_id: str, title: str, body: str, data: dict[str, Any] | None = None
    ) -> MessageResult: ...

    def endpoint_enabled(self, endpoint_id: str) -> bool: ...


def validate_phone(phone: str) -> str:
    """Phone numbers travel in E.164 form (+, country code and number: 7 to 15 digits)."""
    if not E164.match(phone or ""):
        raise ValidationError(
            "Enter the phone number in international format, e.g. +919876543210.",
            code="invalid_phone",
        )
    return phone


def _validate_platform(platform: str) -> Platform:
    if platform not in PLATFORMS:
        raise ValidationError(f"Unknown push platform {platform!r}: use apns or fcm.")
    return platform


def _validate_token(token: str) -> str:
    if not token or len(token) > 4096:
        raise ValidationError("The device token is missing or too long.")
    return token


def push_payload(*, title: str, body: str, data: dict[str, Any] | None = None) -> str:
    """One SNS message (MessageStructure=json) that suits APNs and FCM endpoints alike.

    SNS picks the key matching the endpoint's platform application. FCM v1 data values must be
    strings; APNs takes custom keys next to ``aps``.
    """
    data = data or {}
    apns = json.dumps(
        {"aps": {"alert": {"title": title, "body": body}, "sound": "default"}, **data}
    )
    fcm = json.dumps(
        {
            "fcmV1Message": {
                "message": {
                    "notification": {"title": title, "body": body},
                    "data": {str(k): _fcm_value(v) for k, v in data.items()},
                }
            }
        }
    )
    return json.dumps({"default": body, "APNS": apns, "APNS_SANDBOX": apns, "GCM": fcm})


def _fcm_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# --- AWS -----------------------------------------------------------------------------------

_EXISTING_ENDPOINT = re.compile(r"Endpoint (arn:\S+) already exists")


class AwsMessenger:
    def __init__(self, client: Any | None = None) -> None:
        self.client = client if client is not None else aws.client("sns")

    def send_sms(self, *, phone: str, text: str, transactional: bool = True) -> MessageResult:
        validate_phone(phone)
        attributes = {
            "AWS.SNS.SMS.SMSType": {
                "DataType": "String",
                "StringValue": "Transactional" if transactional else "Promotional",
            }
        }
        if settings.KALPLA_SNS_SMS_SENDER_ID:
            attributes["AWS.SNS.SMS.SenderID"] = {
                "DataType": "String",
                "StringValue": settings.KALPLA_SNS_SMS_SENDER_ID,
            }
        with aws.aws_errors("SNS SMS publish"):
            response = self.client.publish(
                PhoneNumber=phone, Message=text, MessageAttributes=attributes
            )
        return MessageResult(
            message_id=response["MessageId"], channel="sms", to=phone, provider="sns"
        )

    def register_device(
        self, *, platform: Platform, token: str, user_data: str = ""
    ) -> DeviceEndpoint:
        """Create (or revive) the SNS endpoint for a device token.

        Follows AWS's token-management advice: an existing endpoint for the same token is
        reused, and re-enabled with the current token when SNS had disabled it.
        """
        _validate_platform(platform)
        _validate_token(token)
        application_arn = self._application_arn(platform)
        params: dict[str, Any] = {"PlatformApplicationArn": application_arn, "Token": token}
        if user_data:
            params["CustomUserData"] = user_data
        with aws.aws_errors("SNS create endpoint"):
            try:
                arn = self.client.create_platform_endpoint(**params)["EndpointArn"]
            except ClientError as exc:
                found = _EXISTING_ENDPOINT.search(exc.response["Error"].get("Message", ""))
                if not found:
                    raise
                arn = found.group(1)
            attributes = self.client.get_endpoint_attributes(EndpointArn=arn)["Attributes"]
            if attributes.get("Enabled") != "true" or attributes.get("Token") != token:
                wanted = {"Token": token, "Enabled": "true"}
                if user_data:
                    wanted["CustomUserData"] = user_data
                self.client.set_endpoint_attributes(EndpointArn=arn, Attributes=wanted)
        return DeviceEndpoint(endpoint_id=arn, platform=platform, enabled=True)

    def unregister_device(self, endpoint_id: str) -> None:
        # DeleteEndpoint is idempotent on SNS: deleting a gone endpoint succeeds.
        with aws.aws_errors("SNS delete endpoint"):
            self.client.delete_endpoint(EndpointArn=endpoint_id)

    def push(
        self, *, endpoint_id: str, title: str, body: str, data: dict[str, Any] | None = None
    ) -> MessageResult:
        message = push_payload(title=title, body=body, data=data)
        with aws.aws_errors("SNS push publish"):
            try:
                response = self.client.publish(
                    TargetArn=endpoint_id, MessageStructure="json", Message=message
                )
            except ClientError as exc:
                error = exc.response.get("Error", {})
                if error.get("Code") in ("EndpointDisabled", "NotFound"):
                    raise EndpointDisabled(endpoint_id, error.get("Message", "")) from exc
                raise
        return MessageResult(
            message_id=response["MessageId"], channel="push", to=endpoint_id, provider="sns"
        )

    def endpoint_enabled(self, endpoint_id: str) -> bool:
        with aws.aws_errors("SNS endpoint attributes"):
            try:
                response = self.client.get_endpoint_attributes(EndpointArn=endpoint_id)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "NotFound":
                    return False
                raise
        return bool(response["Attributes"].get("Enabled") == "true")

    @staticmethod
    def _application_arn(platform: Platform) -> str:
        setting = {
            "apns": "KALPLA_SNS_APNS_APPLICATION_ARN",
            "fcm": "KALPLA_SNS_FCM_APPLICATION_ARN",
        }[platform]
        arn = str(getattr(settings, setting, "") or "")
        if not arn:
            raise IntegrationError(
                f"Push to {platform} devices is not configured: create an SNS platform "
                f"application for {platform.upper()} and set {setting} to its ARN."
            )
        return arn


# --- local ---------------------------------------------------------------------------------


class LocalMessenger:
    """Records every SMS and push in OutboxMessage (admin: 'outbox') instead of sending."""

    def send_sms(self, *, phone: str, text: str, transactional: bool = True) -> MessageResult:
        from kalpla.models import OutboxMessage

        validate_phone(phone)
        message = OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.SMS,
            to=phone,
            body=text,
            data={"sms_type": "Transactional" if transactional else "Promotional"},
            message_id=_local_id(),
        )
        return MessageResult(
            message_id=message.message_id, channel="sms", to=phone, provider="local"
        )

    def register_device(
        self, *, platform: Platform, token: str, user_data: str = ""
    ) -> DeviceEndpoint:
        _validate_platform(platform)
        _validate_token(token)
        digest = hashlib.sha256(token.encode()).hexdigest()[:16]
        return DeviceEndpoint(
            endpoint_id=f"local:{platform}:{digest}", platform=platform, enabled=True
        )

    def unregister_device(self, endpoint_id: str) -> None:
        return None

    def push(
        self, *, endpoint_id: str, title: str, body: str, data: dict[str, Any] | None = None
    ) -> MessageResult:
        from kalpla.models import OutboxMessage

        message = OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.PUSH,
            to=endpoint_id,
            title=title[:200],
            body=body,
            data=data or {},
            message_id=_local_id(),
        )
        return MessageResult(
            message_id=message.message_id, channel="push", to=endpoint_id, provider="local"
        )

    def endpoint_enabled(self, endpoint_id: str) -> bool:
        return True


def _local_id() -> str:
    return f"local-{uuid.uuid4().hex}"


def get_messenger() -> Messenger:
    return choose_backend(
        "KALPLA_MESSAGING_BACKEND", {"local": LocalMessenger, "aws": AwsMessenger}
    )
