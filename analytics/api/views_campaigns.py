"""At-risk learners and campaigns API.

At-risk learners and nudges: staff and the course's mentors (403 for anyone else, 404 for a
course that does not exist). Segments and campaigns: staff only (403). Errors use the one
error format: 400 with ``errors`` per field, 409 ``nudged_recently``, ``segment_in_use``,
``not_editable``, ``not_scheduled``, ``already_sent``.
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from analytics.api import serializers_campaigns as s
from analytics.policies import analytics_can_view_platform
from analytics.segments import rules_json_schema
from analytics.selectors import campaigns as selectors
from analytics.selectors.at_risk import at_risk_learners, course_for_analytics
from analytics.services import at_risk as nudges
from analytics.services import campaigns as services
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer

TAGS = ["analytics"]
READ_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    403: OpenApiResponse(ErrorSerializer, description="Not staff (or not the course's mentor)"),
    404: OpenApiResponse(ErrorSerializer, description="No such object"),
}
WRITE_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`errors` per field)"),
    **READ_ERRORS,
    409: OpenApiResponse(ErrorSerializer, description="Not in a state that allows this"),
}
RULES_EXAMPLE = {
    "match": "all",
    "rules": [
        {"type": "enrolled_in", "course": 12},
        {"type": "inactive_days", "days": 7},
        {"type": "not_completed", "course": 12},
    ],
}


class IsAnalyticsStaff(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return analytics_can_view_platform(user=request.user)


STAFF = [IsAuthenticated, IsAnalyticsStaff]


def _page(request: Request, view: APIView, items: Any, serializer: Any) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


# --- at-risk learners --------------------------------------------------------------------


class AtRiskListApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_course_at_risk_list",
        summary="A course's at-risk learners",
        description="Active learners who are inactive, behind the pace or failing, with the "
        "reasons, most reasons first. Staff and the course's mentors.",
        responses={200: s.AtRiskOut(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, course_id: int) -> Response:
        course = course_for_analytics(course_id=course_id, user=signed_in_user(request))
        return _page(request, self, at_risk_learners(course_id=course.pk), s.AtRiskOut)


class NudgesApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_course_nudges_create",
        summary="Nudge at-risk learners",
        description="Sends each a reminder (notification kind `analytics.at_risk_nudge`, their "
        "preferences apply) and logs it. Learners nudged in the last day are skipped; one such "
        "learner alone is a 409 `nudged_recently`. A learner not on the list is a 404.",
        request=s.NudgeIn,
        responses={201: s.NudgeOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample("One learner", value={"learner_ids": [41]}, request_only=True),
            OpenApiExample("The whole list", value={}, request_only=True),
        ],
    )
    def post(self, request: Request, course_id: int) -> Response:
        user = signed_in_user(request)
        course = course_for_analytics(course_id=course_id, user=user)
        data = s.NudgeIn(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = nudges.nudge_send(
            actor=user, course=course, learner_ids=data.validated_data.get("learner_ids")
        )
        body = {"nudged": [n.learner_id for n in outcome.nudged], "skipped": outcome.skipped}
        return Response(s.NudgeOut(body).data, status=status.HTTP_201_CREATED)


# --- segments ----------------------------------------------------------------------------


class SegmentListApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_segments_list",
        summary="Segments",
        responses={200: s.SegmentOut(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return _page(request, self, selectors.segment_list().order_by("name", "id"), s.SegmentOut)

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_segments_create",
        summary="Create a segment",
        request=s.SegmentIn,
        responses={201: s.SegmentOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Enrolled, inactive, not completed",
                value={"name": "Stalled in Python", "rules": RULES_EXAMPLE},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = s.SegmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        segment = services.segment_create(actor=signed_in_user(request), **data.validated_data)
        return Response(s.SegmentOut(segment).data, status=status.HTTP_201_CREATED)


class SegmentDetailApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_segments_read",
        summary="A segment",
        responses={200: s.SegmentOut, **READ_ERRORS},
    )
    def get(self, request: Request, segment_id: int) -> Response:
        return Response(s.SegmentOut(selectors.segment_get(segment_id=segment_id)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_segments_update",
        summary="Change a segment",
        request=s.SegmentPatchIn,
        responses={200: s.SegmentOut, **WRITE_ERRORS},
    )
    def patch(self, request: Request, segment_id: int) -> Response:
        segment = selectors.segment_get(segment_id=segment_id)
        data = s.SegmentPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "name": segment.name,
            "description": segment.description,
            "rules": segment.rules,
            **data.validated_data,
        }
        segment = services.segment_update(actor=signed_in_user(request), segment=segment, **values)
        return Response(s.SegmentOut(segment).data)

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_segments_delete",
        summary="Delete a segment",
        description="409 `segment_in_use` while campaigns use it.",
        request=None,
        responses={204: None, **READ_ERRORS, 409: WRITE_ERRORS[409]},
    )
    def delete(self, request: Request, segment_id: int) -> Response:
        segment = selectors.segment_get(segment_id=segment_id)
        services.segment_delete(actor=signed_in_user(request), segment=segment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SegmentCountApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_segments_count",
        summary="Count the people some rules select",
        description="The live preview of the segment editor: the count and a sample, without "
        "saving anything. The rules' JSON Schema: "
        + str(rules_json_schema()["required"])
        + " at the top; see the `rules` field of a segment.",
        request=s.RulesIn,
        responses={200: s.SegmentCountOut, **WRITE_ERRORS},
        examples=[OpenApiExample("Rules", value={"rules": RULES_EXAMPLE}, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        data = s.RulesIn(data=request.data)
        data.is_valid(raise_exception=True)
        rules = services.segment_rules_clean(data.validated_data["rules"])
        preview = selectors.segment_preview(rules=rules)
        return Response(s.SegmentCountOut(preview).data)


# --- campaigns ---------------------------------------------------------------------------


def _campaign_data(validated: dict[str, Any]) -> dict[str, Any]:
    data = dict(validated)
    if "segment_id" in data:
        data["segment"] = selectors.segment_get(segment_id=data.pop("segment_id"))
    return data


class CampaignListApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_campaigns_list",
        summary="Campaigns",
        description="Newest first.",
        responses={200: s.CampaignOut(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return _page(request, self, selectors.campaign_list(), s.CampaignOut)

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_campaigns_create",
        summary="Create a campaign (a draft)",
        description="Each chosen channel needs its message: in-app title and text, email "
        "subject and text, SMS text, push title and text. Links lead to this site or an "
        "allowed host only.",
        request=s.CampaignIn,
        responses={201: s.CampaignOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Email and in-app",
                value={
                    "name": "Come back to Python",
                    "segment_id": 3,
                    "channels": ["in_app", "email"],
                    "inapp_title": "New exercises are waiting",
                    "inapp_body": "Pick up where you left off.",
                    "email_subject": "Your Python course misses you",
                    "email_body": "Hello! Pick up where you left off.",
                    "link_url": "/courses/python-basics/",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = s.CampaignIn(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_create(
            actor=signed_in_user(request), data=_campaign_data(data.validated_data)
        )
        return Response(s.CampaignOut(campaign).data, status=status.HTTP_201_CREATED)


class CampaignDetailApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_campaigns_read",
        summary="A campaign",
        responses={200: s.CampaignOut, **READ_ERRORS},
    )
    def get(self, request: Request, campaign_id: int) -> Response:
        return Response(s.CampaignOut(selectors.campaign_get(campaign_id=campaign_id)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_campaigns_update",
        summary="Change a draft or scheduled campaign",
        request=s.CampaignPatchIn,
        responses={200: s.CampaignOut, **WRITE_ERRORS},
    )
    def patch(self, request: Request, campaign_id: int) -> Response:
        campaign = selectors.campaign_get(campaign_id=campaign_id)
        data = s.CampaignPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_update(
            actor=signed_in_user(request),
            campaign=campaign,
            data=_campaign_data(data.validated_data),
        )
        return Response(s.CampaignOut(selectors.campaign_get(campaign_id=campaign.pk)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_campaigns_delete",
        summary="Delete a campaign that was not sent",
        request=None,
        responses={204: None, **READ_ERRORS, 409: WRITE_ERRORS[409]},
    )
    def delete(self, request: Request, campaign_id: int) -> Response:
        campaign = selectors.campaign_get(campaign_id=campaign_id)
        services.campaign_delete(actor=signed_in_user(request), campaign=campaign)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CampaignSendApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_campaigns_send",
        summary="Send a campaign now",
        description="Queued at once; the campaign reads `sent` when done (exactly once).",
        request=None,
        responses={202: s.CampaignOut, **WRITE_ERRORS},
    )
    def post(self, request: Request, campaign_id: int) -> Response:
        campaign = selectors.campaign_get(campaign_id=campaign_id)
        services.campaign_schedule(actor=signed_in_user(request), campaign=campaign, at=None)
        fresh = selectors.campaign_get(campaign_id=campaign_id)
        return Response(s.CampaignOut(fresh).data, status=status.HTTP_202_ACCEPTED)


class CampaignScheduleApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_campaigns_schedule",
        summary="Schedule a campaign",
        description="A beat job sends it once its time comes.",
        request=s.ScheduleIn,
        responses={200: s.CampaignOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample("Tomorrow", value={"send_at": "2027-01-10T09:00:00Z"}, request_only=True)
        ],
    )
    def post(self, request: Request, campaign_id: int) -> Response:
        campaign = selectors.campaign_get(campaign_id=campaign_id)
        data = s.ScheduleIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.campaign_schedule(
            actor=signed_in_user(request), campaign=campaign, at=data.validated_data["send_at"]
        )
        return Response(s.CampaignOut(selectors.campaign_get(campaign_id=campaign_id)).data)


class CampaignReportApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_campaigns_report",
        summary="A campaign's report",
        description="Targeted, reached, and per channel sent / delivered / opened / clicked. "
        "`null` means the channel cannot measure it (SMS and push opens), never 0.",
        responses={200: s.CampaignReportOut, **READ_ERRORS},
    )
    def get(self, request: Request, campaign_id: int) -> Response:
        campaign = selectors.campaign_get(campaign_id=campaign_id)
        return Response(s.CampaignReportOut(selectors.campaign_report(campaign=campaign)).data)
