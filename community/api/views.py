"""API: the moderation queue for moderators' apps (list, decide). Other roles get 403."""

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
from community import selectors
from community.api.serializers import ModerationDecisionIn, ModerationItemOut, moderation_row_data
from community.filters import ModerationQueueFilter
from community.services.sanctions import moderation_act
from kalpla.api.serializers import ErrorSerializer
from moderation.models import ModerationItem

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


class ModerationQueueApi(ListAPIView):
    permission_classes = [IsAuthenticated, IsModerator]
    serializer_class = ModerationItemOut
    filterset_class = ModerationQueueFilter

    def get_queryset(self) -> QuerySet[ModerationItem]:
        return selectors.moderation_queue()

    @extend_schema(
        tags=TAGS,
        operation_id="moderation_items_list",
        summary="The moderation queue",
        description=(
            "Flagged content, 20 a page (`page_size` up to 100). `status=pending` (default, "
            "oldest first) or `decided` (newest decision first); `reason` filters by one "
            "reason. An empty or unknown value is a 400."
        ),
        responses={200: ModerationItemOut(many=True), **ERRORS},
        examples=[OpenApiExample("A pending item", value=ITEM_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        items = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(items)
        rows = selectors.moderation_queue_rows(list(page or []))
        return self.get_paginated_response([moderation_row_data(row) for row in rows])


class ModerationDecideApi(APIView):
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        tags=TAGS,
        operation_id="moderation_items_decide",
        summary="Act on queued content: approve, hide, delete, warn, mute, ban",
        description=(
            "Records the action in the audit log with the moderator, the time and the note, "
            "and tells the author. `approve` keeps the content (held content is published); "
            "`hide` hides it (a review disappears from its course page, a cover is taken "
            "down); `delete` deletes a chat message; other pending items about the same content "
            "are settled with these (409 when already decided). `warn`, `mute` (`days`), "
            "`ban_group` and `ban_site` act on the author and leave the item as it is."
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
        moderation_act(
            item=item,
            by=signed_in_user(request),
            action=data["action"],
            note=data["note"],
            days=data.get("days"),
        )
        [row] = selectors.moderation_queue_rows([selectors.moderation_item_get(item_id=item.pk)])
        return Response(moderation_row_data(row))
