"""API shapes of the phone number and push devices (input and output kept apart)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kalpla.api.serializers import InputSerializer, StrictCharField, StrictRegexField
from kalpla.integrations.sns import E164_PATTERN
from notifications.models import Device


class PhoneOut(serializers.Serializer):
    number = serializers.CharField(allow_null=True, help_text="E.164, e.g. +919876543210.")
    verified = serializers.BooleanField()
    verified_at = serializers.DateTimeField(allow_null=True)
    sms_mfa_enabled = serializers.BooleanField(
        help_text="A code by SMS is asked for after the password at sign-in."
    )
    code_sent_at = serializers.DateTimeField(
        allow_null=True, help_text="When the last verification code was sent."
    )
    resend_after = serializers.IntegerField(
        help_text="Seconds until another code may be asked for (0: now)."
    )


class PhoneStartIn(InputSerializer):
    number = StrictRegexField(
        E164_PATTERN,
        max_length=16,
        trim_whitespace=False,
        error_messages={
            "invalid": _("Enter the phone number in international format, e.g. +919876543210.")
        },
        help_text="International (E.164) format without spaces, e.g. +919876543210.",
    )


class PhoneVerifyIn(InputSerializer):
    code = StrictCharField(max_length=16, help_text="The 6-digit code sent by SMS.")


class PhoneUpdateIn(InputSerializer):
    sms_mfa_enabled = serializers.BooleanField()


class DeviceOut(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=Device.Platform.choices)
    token = serializers.CharField()
    enabled = serializers.BooleanField(
        help_text="False once the push service reported the token invalid; register again."
    )
    created_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()


class DeviceRegisterIn(InputSerializer):
    platform = serializers.ChoiceField(
        choices=Device.Platform.choices, help_text="`apns` (iOS) or `fcm` (Android)."
    )
    token = StrictCharField(max_length=512, help_text="The APNs or FCM device token.")
