"""Badges API: the signed-in learner's badges (``/api/v1/me/badges/``) and each one's signed
Open Badges 3.0 credential. The public verifiable documents are not here: their URLs are the
ids inside the documents (``assessments/badges/urls.py``)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import Conflict

from ..badges import openbadges as ob
from ..badges.selectors import my_badge_award, my_badges
from .serializers_badges import BadgeAwardOut, BadgeCredentialOut

TAGS = ["badges"]


def _award_out(request: Request, award: Any) -> dict[str, Any]:
    badge = award.badge
    course = badge.course
    return {
        "id": award.pk,
        "uid": award.uid,
        "badge": {
            "uid": badge.uid,
            "name": badge.name,
            "description": badge.description,
            "criteria": badge.criteria,
            "image_url": ob.badge_image_url(badge),
            "course": (
                {"id": course.pk, "slug": course.slug, "title": course.title} if course else None
            ),
        },
        "issued_at": award.issued_at,
        "revoked": award.is_revoked,
        "revoked_at": award.revoked_at,
        "revocation_reason": award.revoked_reason,
        "share_url": ob.url("badge_award", award.uid),
        "assertion_url": ob.url("badge_assertion", award.uid),
        "credential_url": request.build_absolute_uri(
            reverse("api:me-badge-credential", args=[award.pk])
        ),
    }


class MyBadgesApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="me_badges_list",
        summary="My badges, newest first",
        description=(
            "Every badge awarded to me, revoked ones too (`revoked`), with its public share "
            "page, its Open Badges 2.0 assertion URL and where to get its signed Open Badges "
            "3.0 credential."
        ),
        responses={200: BadgeAwardOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(my_badges(user=request.user), request, self)
        rows = [_award_out(request, award) for award in page or []]
        return paginator.get_paginated_response(BadgeAwardOut(rows, many=True).data)


class MyBadgeCredentialApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="me_badge_credential",
        summary="My badge as a signed Open Badges 3.0 credential",
        description=(
            "The award as an OpenBadgeCredential (W3C Verifiable Credential), signed as a "
            "VC-JWT with the issuer's Ed25519 key, for a digital wallet or another platform. "
            "Verify it with the key its header's `kid` names (the issuer's key set: "
            "`/badges/keys/`)."
        ),
        responses={
            200: BadgeCredentialOut,
            404: OpenApiResponse(ErrorSerializer, description="Not one of my badges"),
            409: OpenApiResponse(
                ErrorSerializer,
                description="`revoked`: the badge was revoked",
                examples=[
                    OpenApiExample(
                        "Revoked",
                        value={"message": "This badge was revoked.", "code": "revoked"},
                    )
                ],
            ),
        },
    )
    def get(self, request: Request, award_id: int) -> Response:
        award = my_badge_award(user=request.user, award_id=award_id)
        if award.is_revoked:
            raise Conflict(_("This badge was revoked."), code="revoked")
        out = {"jwt": ob.credential_jwt(award), "credential": ob.credential(award)}
        return Response(BadgeCredentialOut(out).data)
