"""/api/v1/me/phone/ (SMS verification, SMS sign-in codes) and /api/v1/me/devices/ (push)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ACCOUNT_MANAGEMENT_PERMISSIONS
from accounts.selectors import signed_in_user
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import Unavailable
from kalpla.integrations.base import IntegrationError
from notifications.api.serializers_channels import (
    DeviceOut,
    DeviceRegisterIn,
    PhoneOut,
    PhoneStartIn,
    PhoneUpdateIn,
    PhoneVerifyIn,
)
from notifications.models import Device, PhoneNumber
from notifications.services import phone as phone_service
from notifications.services import push as push_service

TAGS = ["notifications"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
}


def conflict(description: str) -> dict[int, OpenApiResponse]:
    return {409: OpenApiResponse(ErrorSerializer, description=description)}


THROTTLED = {
    429: OpenApiResponse(
        ErrorSerializer, description="Asked for a code too soon; see the Retry-After header."
    ),
    503: OpenApiResponse(ErrorSerializer, description="SMS could not be sent; try again."),
}


def phone_data(phone: PhoneNumber | None) -> dict[str, Any]:
    return {
        "number": phone.number if phone else None,
        "verified": bool(phone and phone.is_verified),
        "verified_at": phone.verified_at if phone else None,
        "sms_mfa_enabled": bool(phone and phone.is_verified and phone.sms_mfa_enabled),
        "code_sent_at": phone.code_sent_at if phone else None,
        "resend_after": phone_service.phone_resend_wait(phone=phone),
    }


PHONE_EXAMPLE = OpenApiExample(
    "Verified, SMS sign-in codes on",
    value={
        "number": "+919876543210",
        "verified": True,
        "verified_at": "2026-11-25T10:02:11.000000Z",
        "sms_mfa_enabled": True,
        "code_sent_at": "2026-11-25T10:01:30.000000Z",
        "resend_after": 0,
    },
    response_only=True,
)


class PhoneApi(APIView):
    permission_classes = ACCOUNT_MANAGEMENT_PERMISSIONS

    @extend_schema(
        tags=TAGS,
        operation_id="me_phone_retrieve",
        summary="My phone number",
        description="`number` is null when none is set. SMS notifications and SMS sign-in "
        "codes only go to a verified number.",
        responses={200: PhoneOut, **ERRORS},
        examples=[PHONE_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        phone = phone_service.phone_get(user=signed_in_user(request))
        return Response(PhoneOut(phone_data(phone)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="me_phone_set",
        summary="Set my phone number and text it a verification code",
        description="Sends a 6-digit code by SMS (valid 10 minutes), at most one per minute; "
        "confirm it with `POST /api/v1/me/phone/verify/`. A different number replaces the "
        "current one, which is unverified (and SMS sign-in codes turned off) until the new "
        "one is verified. Posting the same unverified number again sends a new code; the "
        "same verified number is a 409 (`already_verified`).",
        request=PhoneStartIn,
        responses={
            200: PhoneOut,
            **ERRORS,
            **conflict("`already_verified`: this number is verified already."),
            **THROTTLED,
        },
        examples=[
            OpenApiExample("Number", value={"number": "+919876543210"}, request_only=True),
            OpenApiExample(
                "Too soon",
                value={
                    "message": "Please wait 42 seconds before asking for a new code.",
                    "code": "throttled",
                },
                response_only=True,
                status_codes=["429"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        s = PhoneStartIn(data=request.data)
        s.is_valid(raise_exception=True)
        user = signed_in_user(request)
        try:
            # a CodeThrottled answers 429 with Retry-After (kalpla.exceptions)
            phone = phone_service.phone_start(user=user, number=s.validated_data["number"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"number": exc.messages}) from exc
        return Response(PhoneOut(phone_data(phone)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="me_phone_partial_update",
        summary="Turn SMS sign-in codes on or off",
        description="Needs a verified number. When on, signing in with the password asks for "
        "a code sent by SMS (flow `sms_code` of the headless API). 409 `phone_missing` when "
        "no number is set, `phone_not_verified` when turning them on before it is verified.",
        request=PhoneUpdateIn,
        responses={
            200: PhoneOut,
            **ERRORS,
            **conflict("`phone_missing` (no number yet) or `phone_not_verified`."),
        },
        examples=[
            OpenApiExample("On", value={"sms_mfa_enabled": True}, request_only=True),
            OpenApiExample(
                "No number yet",
                value={"message": "You have no phone number.", "code": "phone_missing"},
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def patch(self, request: Request) -> Response:
        s = PhoneUpdateIn(data=request.data)
        s.is_valid(raise_exception=True)
        phone = phone_service.phone_sms_mfa_set(
            user=signed_in_user(request), enabled=s.validated_data["sms_mfa_enabled"]
        )
        return Response(PhoneOut(phone_data(phone)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="me_phone_destroy",
        summary="Remove my phone number",
        description="No more SMS notifications or SMS sign-in codes. Succeeds when none is set.",
        request=None,
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request) -> Response:
        phone_service.phone_delete(user=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhoneVerifyApi(APIView):
    permission_classes = ACCOUNT_MANAGEMENT_PERMISSIONS

    @extend_schema(
        tags=TAGS,
        operation_id="me_phone_verify",
        summary="Confirm my phone number with the code sent by SMS",
        description="400 `wrong_code` (try again) or `too_many_attempts` (5 wrong codes: ask "
        "for a new code); 409 `no_code_requested` (no code is waiting: ask for one with "
        "`POST /api/v1/me/phone/`) or `code_expired` (ask for a new one).",
        request=PhoneVerifyIn,
        responses={
            200: PhoneOut,
            **ERRORS,
            **conflict("`no_code_requested` or `code_expired`: ask for a new code."),
        },
        examples=[
            OpenApiExample("Code", value={"code": "482913"}, request_only=True),
            OpenApiExample(
                "Wrong code",
                value={
                    "message": "That code is not right.",
                    "code": "wrong_code",
                    "errors": {"code": ["That code is not right."]},
                },
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "No code asked for",
                value={"message": "Ask for a code first.", "code": "no_code_requested"},
                response_only=True,
                status_codes=["409"],
            ),
            PHONE_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        s = PhoneVerifyIn(data=request.data)
        s.is_valid(raise_exception=True)
        phone = phone_service.phone_verify(
            user=signed_in_user(request), code=s.validated_data["code"]
        )
        return Response(PhoneOut(phone_data(phone)).data)


DEVICE_EXAMPLE = OpenApiExample(
    "Android phone",
    value={
        "id": 12,
        "platform": "fcm",
        "token": "dQw4w9WgXcQ:APA91bH...",
        "enabled": True,
        "created_at": "2026-11-25T10:00:00.000000Z",
        "last_seen_at": "2026-11-25T10:00:00.000000Z",
    },
    response_only=True,
)
LOGOUT_NOTE = (
    "\n\n**Signing out.** When the app signs out (`DELETE /_allauth/app/v1/auth/session`), "
    "send the device's push token in the `X-Device-Token` header of that request: the device "
    "is unregistered and stops receiving this user's pushes."
)


class DeviceListRegisterApi(ListAPIView):
    permission_classes = ACCOUNT_MANAGEMENT_PERMISSIONS
    serializer_class = DeviceOut

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):
            return Device.objects.none()
        return push_service.device_list(user=signed_in_user(self.request))

    @extend_schema(
        tags=TAGS,
        operation_id="me_devices_list",
        summary="My devices registered for push notifications",
        description="Newest first." + LOGOUT_NOTE,
        examples=[DEVICE_EXAMPLE],
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="me_devices_register",
        summary="Register this device for push notifications",
        description="Call at every app start with the current APNs/FCM token. Idempotent per "
        "token: 200 with the same device when it is already registered, 201 when new. A token "
        "registered by another account (someone else signed in on this phone before) moves "
        "to the signed-in user." + LOGOUT_NOTE,
        request=DeviceRegisterIn,
        responses={
            201: DeviceOut,
            200: DeviceOut,
            **ERRORS,
            503: OpenApiResponse(ErrorSerializer, description="Push is not available now."),
        },
        examples=[
            OpenApiExample(
                "FCM token",
                value={"platform": "fcm", "token": "dQw4w9WgXcQ:APA91bH..."},
                request_only=True,
            ),
            DEVICE_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        s = DeviceRegisterIn(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            device, created = push_service.device_register(
                user=signed_in_user(request),
                platform=s.validated_data["platform"],
                token=s.validated_data["token"],
            )
        except IntegrationError as exc:
            raise Unavailable(
                _("Push notifications are not available right now. Please try again later."),
                code="push_unavailable",
            ) from exc
        return Response(
            DeviceOut(device).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DeviceApi(APIView):
    permission_classes = ACCOUNT_MANAGEMENT_PERMISSIONS

    @extend_schema(
        tags=TAGS,
        operation_id="me_devices_unregister",
        summary="Unregister a device",
        description="The device stops receiving push notifications. Another user's device "
        "answers 404.",
        request=None,
        responses={204: None, 404: ErrorSerializer, **ERRORS},
    )
    def delete(self, request: Request, device_id: int) -> Response:
        device = push_service.device_get(user=signed_in_user(request), device_id=device_id)
        push_service.device_unregister(device=device)
        return Response(status=status.HTTP_204_NO_CONTENT)
