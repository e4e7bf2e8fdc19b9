"""API: the moderation queue for moderators' apps (list, decide). Other roles get 403."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsModerator
from accounts.selectors import signed_in_user
from community import selectors, services
from community.api.serializers import ModerationDecisionIn, ModerationItemOut, moderation_row_data
from community.models import ModerationItem
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import ApplicationError

TAGS = ["moderation"]
ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
    403: OpenApiResponse(ErrorSerializer, description=str(_("Not a moderator"))),
}
ITEM_EXAMPLE = {
    "id": 7,
    "reason": "toxic",
    "reason_label": "Toxic language",
    "detail": "Toxic language in text (score 0.91).",
    "score": 0.91,
    "labels": [{"name": "INSULT", "score": 0.91}],
    "origin": "auto",
    "status": "pending",
    "created_at": "2026-11-25T09:30:00Z",
    "decided_by": None,
    "decided_at": None,
    "decision_note": "",
    "can_hide": True,
    "target": {
        "kind": "review",
        "title": "Review of “Python basics”, 1/5",
        "text": "…",
        "url": "/courses/python-basics/#review-12",
        "image_url": "",
        "author": {"id": 31, "name": "Ravi"},
    },
}


class ModerationQueueApi(APIView):
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        tags=TAGS,
        operation_id="moderation_items_list",
        summary="The moderation queue",
        description=(
            "Flagged content, 20 a page. `status=pending` (default, oldest first) or "
            "`decided` (newest decision first); `reason` filters by one reason."
        ),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=["pending", "decided"]),
            OpenApiParameter("reason", OpenApiTypes.STR, enum=list(ModerationItem.Reason.values)),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={200: ModerationItemOut(many=True), **ERRORS},
        examples=[OpenApiExample("A pending item", value=ITEM_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        status = request.query_params.get("status", "pending")
        reason = request.query_params.get("reason", "")
        errors: dict[str, list[str]] = {}
        if status not in selectors.QUEUE_STATUSES:
            errors["status"] = [str(_("Use pending or decided."))]
        if reason and reason not in ModerationItem.Reason.values:
            errors["reason"] = [str(_("Unknown reason."))]
        if errors:
            raise ApplicationError(str(_("Invalid input.")), code="invalid", errors=errors)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.moderation_queue(status=status, reason=reason), request, view=self
        )
        rows = selectors.moderation_queue_rows(list(page or []))
        return paginator.get_paginated_response([moderation_row_data(row) for row in rows])


class ModerationDecideApi(APIView):
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        tags=TAGS,
        operation_id="moderation_items_decide",
        summary="Keep or hide flagged content",
        description=(
            "Records the decision with the moderator, the time and the note. `hide` hides the "
            "content (a review disappears from its course page, a cover is taken down); other "
            "pending items about the same content are settled with it. 409 when already decided."
        ),
        request=ModerationDecisionIn,
        responses={
            200: ModerationItemOut,
            400: OpenApiResponse(ErrorSerializer, description=str(_("Invalid input"))),
            404: OpenApiResponse(ErrorSerializer, description=str(_("No such item"))),
            409: OpenApiResponse(ErrorSerializer, description=str(_("Already decided"))),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Hide",
                value={"action": "hide", "note": "Insults another student."},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, item_id: int) -> Response:
        item = selectors.moderation_item_get(item_id=item_id)
        body = ModerationDecisionIn(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = body.validated_data
        decided = services.moderation_item_decide(
            item=item, by=signed_in_user(request), action=data["action"], note=data["note"]
        )
        [row] = selectors.moderation_queue_rows([selectors.moderation_item_get(item_id=decided.pk)])
        return Response(moderation_row_data(row))
