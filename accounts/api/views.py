from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    AVATAR_CONTENT_TYPES,
    ApiKeyCreatedOut,
    ApiKeyCreateIn,
    ApiKeyOut,
    MeOut,
    MeUpdateFormIn,
    MeUpdateIn,
    api_key_created_data,
)
from accounts.models import ApiKey
from accounts.permissions import ACCOUNT_MANAGEMENT_PERMISSIONS
from kalpla.api.parsers import SafeJSONParser
from kalpla.api.serializers import ErrorSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=str(_("Invalid input"))),
    401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
}

ME_EXAMPLE = OpenApiExample(
    "Student",
    value={
        "id": 7,
        "email": "student@example.com",
        "name": "Asha Student",
        "avatar_url": None,
        "bio": "",
        "timezone": "Asia/Kolkata",
        "language": "hi",
        "roles": ["Student"],
        "date_joined": "2026-11-01T09:30:00.000000Z",
    },
    response_only=True,
)


class MeApi(APIView):
    parser_classes = [SafeJSONParser, MultiPartParser]

    @extend_schema(
        tags=["accounts"],
        operation_id="me_retrieve",
        summary="The signed-in user's profile and roles",
        responses={200: MeOut, **ERRORS},
        examples=[ME_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        return Response(MeOut(request.user, context={"request": request}).data)

    @extend_schema(
        tags=["accounts"],
        operation_id="me_partial_update",
        summary="Update the signed-in user's profile",
        description=(
            "JSON, or multipart/form-data when uploading an `avatar` (JPEG, PNG, WebP or GIF; "
            'at most 2 MB). `{"avatar": null}` as JSON removes the picture; a replaced or '
            "removed picture is deleted."
        ),
        request={
            "application/json": MeUpdateIn,
            "multipart/form-data": OpenApiRequest(
                MeUpdateFormIn,
                encoding={"avatar": {"contentType": ", ".join(AVATAR_CONTENT_TYPES)}},
            ),
        },
        responses={200: MeOut, **ERRORS},
        examples=[
            OpenApiExample(
                "Change language",
                value={"language": "hi", "timezone": "Asia/Kolkata"},
                request_only=True,
            ),
            ME_EXAMPLE,
        ],
    )
    def patch(self, request: Request) -> Response:
        multipart = request.content_type.startswith("multipart/")
        s = (MeUpdateFormIn if multipart else MeUpdateIn)(data=request.data)
        s.is_valid(raise_exception=True)
        user = services.user_profile_update(
            user=selectors.signed_in_user(request), data=s.validated_data
        )
        return Response(MeOut(user, context={"request": request}).data)


@extend_schema(tags=["accounts"])
class ApiKeyListCreateApi(ListAPIView):
    serializer_class = ApiKeyOut
    permission_classes = ACCOUNT_MANAGEMENT_PERMISSIONS

    def get_queryset(self) -> QuerySet[ApiKey]:
        if getattr(self, "swagger_fake_view", False):
            return ApiKey.objects.none()
        return selectors.api_key_list(user=selectors.signed_in_user(self.request))

    @extend_schema(operation_id="me_api_keys_list", summary="My API keys")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="me_api_keys_create",
        summary="Create an API key",
        description=(
            "The secret `key` is in this answer only; store it safely. At most 20 keys may be "
            "active: the 21st is a 409 (`too_many_keys`) until one is revoked."
        ),
        request=ApiKeyCreateIn,
        responses={
            201: ApiKeyCreatedOut,
            **ERRORS,
            409: OpenApiResponse(ErrorSerializer, description=str(_("Too many active keys"))),
        },
    )
    def post(self, request: Request) -> Response:
        s = ApiKeyCreateIn(data=request.data)
        s.is_valid(raise_exception=True)
        key, raw = services.api_key_create(
            user=selectors.signed_in_user(request), name=s.validated_data["name"]
        )
        return Response(api_key_created_data(key, raw), status=status.HTTP_201_CREATED)


class ApiKeyRevokeApi(APIView):
    permission_classes = ACCOUNT_MANAGEMENT_PERMISSIONS

    @extend_schema(
        tags=["accounts"],
        operation_id="me_api_keys_revoke",
        summary="Revoke an API key",
        request=None,
        responses={204: None, 404: ErrorSerializer, **ERRORS},
    )
    def delete(self, request: Request, key_id: int) -> Response:
        key = selectors.api_key_get(user=selectors.signed_in_user(request), key_id=key_id)
        services.api_key_revoke(key=key)
        return Response(status=status.HTTP_204_NO_CONTENT)
