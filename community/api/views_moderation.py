"""API: reports (any signed-in user), the moderators' audit log, a group's moderation policy."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsModerator
from accounts.selectors import signed_in_user
from community.api.serializers import (
    AuditEntryOut,
    GroupModerationPolicyIn,
    GroupModerationPolicyOut,
    ReportIn,
    ReportOut,
)
from community.selectors import moderation as selectors
from community.services.reports import report_create
from community.services.sanctions import group_moderation_policy_set
from kalpla.api.pagination import NewestFirstCursorPagination
from kalpla.api.serializers import ErrorSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=str(_("Invalid input"))),
    401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
}
NO_GROUP = OpenApiResponse(ErrorSerializer, description=str(_("No such group (or not yours)")))


class ReportApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ReportOut
    pagination_class = NewestFirstCursorPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.report_list_mine(user=None)
        return selectors.report_list_mine(user=signed_in_user(self.request))

    @extend_schema(
        tags=["moderation"],
        operation_id="reports_list",
        summary="My reports",
        description="What I reported, newest first (cursor pagination).",
        responses={200: ReportOut(many=True), 401: ERRORS[401]},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["moderation"],
        operation_id="reports_create",
        summary="Report a message or a review",
        description=(
            "Tells the moderators: the content joins the moderation queue (one item per "
            "content; later reports add their reason). Content you cannot see is a 404, your "
            "own content a 400 (`own_content`), a second report of the same content a 409."
        ),
        request=ReportIn,
        responses={
            201: ReportOut,
            404: OpenApiResponse(ErrorSerializer, description=str(_("No such content"))),
            409: OpenApiResponse(ErrorSerializer, description=str(_("Already reported"))),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Harassment",
                value={"kind": "message", "id": 812, "reason": "harassment", "text": "Insults"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = ReportIn(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = body.validated_data
        report = report_create(
            reporter=signed_in_user(request),
            kind=data["kind"],
            object_id=data["id"],
            reason=data["reason"],
            text=data["text"],
        )
        return Response(ReportOut(report).data, status=201)


class AuditLogApi(ListAPIView):
    permission_classes = [IsAuthenticated, IsModerator]
    serializer_class = AuditEntryOut
    pagination_class = NewestFirstCursorPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.audit_log()

    @extend_schema(
        tags=["moderation"],
        operation_id="moderation_audit_list",
        summary="The moderators' audit log",
        description=(
            "Every moderator action, newest first (cursor pagination): who, what, when, why, "
            "on which content and about whom. Moderators only."
        ),
        responses={
            200: AuditEntryOut(many=True),
            401: ERRORS[401],
            403: OpenApiResponse(ErrorSerializer, description=str(_("Not a moderator"))),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class GroupModerationPolicyApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["moderation"],
        operation_id="groups_moderation_policy_get",
        summary="A group's moderation policy",
        description="Members and site moderators; others get a 404.",
        responses={200: GroupModerationPolicyOut, 401: ERRORS[401], 404: NO_GROUP},
    )
    def get(self, request: Request, group_id: int) -> Response:
        group = selectors.group_for_policy(group_id=group_id, user=signed_in_user(request))
        return Response(GroupModerationPolicyOut(group).data)

    @extend_schema(
        tags=["moderation"],
        operation_id="groups_moderation_policy_set",
        summary="Choose pre- or post-moderation for a group",
        description="The group's owners (and site moderators); other members get a 403.",
        request=GroupModerationPolicyIn,
        responses={
            200: GroupModerationPolicyOut,
            403: OpenApiResponse(ErrorSerializer, description=str(_("Not an owner"))),
            404: NO_GROUP,
            **ERRORS,
        },
    )
    def put(self, request: Request, group_id: int) -> Response:
        user = signed_in_user(request)
        group = selectors.group_for_policy(group_id=group_id, user=user)
        body = GroupModerationPolicyIn(data=request.data)
        body.is_valid(raise_exception=True)
        group = group_moderation_policy_set(
            group=group, by=user, policy=body.validated_data["moderation_policy"]
        )
        return Response(GroupModerationPolicyOut(group).data)
