"""API: search over what I may read (chat messages of my rooms; more sources register in
community.selectors.search)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from community.api.serializers_groups import SearchHitOut
from community.selectors.search import SOURCES, search_all, search_hits
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer

HIT_EXAMPLE = {
    "kind": "message",
    "id": 812,
    "title": "#general · Python basics",
    "text": "Is the first quiz open yet?",
    "url": "/chat/14/#message-812",
    "author": {"id": 31, "name": "Ravi", "avatar_url": None},
    "created_at": "2026-12-06T09:30:00Z",
    "rank": 0.61,
}


class SearchPagination(PageNumberPagination):
    page_size = 20


class SearchApi(APIView):
    pagination_class = SearchPagination

    @extend_schema(
        tags=["search"],
        operation_id="search_list",
        summary="Search what I may read",
        description=(
            "Chat messages of the rooms I am a member of (not deleted; held ones only my "
            "own), best match first, then newest. On PostgreSQL `q` follows web search "
            'syntax (`"exact phrase"`, `-excluded`, `either or other`). An empty `q` gives no '
            "results. Page-number pagination."
        ),
        parameters=[
            OpenApiParameter("q", str, description="What to look for (up to 200 characters)."),
            OpenApiParameter(
                "kind",
                str,
                description="Only this kind of content.",
                enum=sorted(SOURCES),
            ),
        ],
        responses={
            200: SearchHitOut(many=True),
            400: OpenApiResponse(ErrorSerializer, description=str(_("Invalid input"))),
            401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
        },
        examples=[OpenApiExample("A message", value=HIT_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        kind = request.query_params.get("kind", "")
        rows = search_all(
            user=user, query=request.query_params.get("q", ""), kinds=[kind] if kind else None
        )
        paginator = self.pagination_class()
        page: Any = paginator.paginate_queryset(rows, request, view=self)
        hits = search_hits(page, user=user)
        data = SearchHitOut([h.__dict__ for h in hits], many=True, context={"request": request})
        return paginator.get_paginated_response(data.data)
