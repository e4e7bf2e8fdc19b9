"""The badges' verifiable URLs (public, no sign-in, outside /api/v1/: they are the ids inside
the documents): Open Badges 2.0 hosted JSON-LD for the issuer, a badge class and an award's
assertion (410 with ``revoked: true`` once revoked), the issuer's OB 3.0 profile and public
keys; and, for the award's recipient, its OB 3.0 credential signed as a VC-JWT."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..badges import openbadges as ob
from ..badges.selectors import badge_award_by_uid, badge_award_for_download, badge_class_by_uid
from ..badges.signing import issuer_key

LD_JSON = "application/ld+json"


def _document(
    request: HttpRequest, document: dict[str, Any], *, status: int = 200, max_age: int = 300
) -> JsonResponse:
    """JSON-LD, or plain JSON for a client that asks for it (and not for JSON-LD); readable
    by verifiers running in any site's pages."""
    accept = request.headers.get("Accept", "")
    plain = "application/json" in accept and LD_JSON not in accept
    response = JsonResponse(
        document, status=status, content_type="application/json" if plain else LD_JSON
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Vary"] = "Accept"
    return response


@require_safe
def issuer(request: HttpRequest) -> JsonResponse:
    return _document(request, ob.issuer_document(), max_age=3600)


@require_safe
def issuer_profile(request: HttpRequest) -> JsonResponse:
    return _document(request, ob.issuer_profile(), max_age=3600)


@require_safe
def key_set(request: HttpRequest) -> JsonResponse:
    return _document(request, ob.jwks(), max_age=3600)


@require_safe
def key(request: HttpRequest, kid: str) -> JsonResponse:
    current = issuer_key()
    if kid != current.thumbprint:
        raise Http404(_("No such key."))
    return _document(request, ob.jwks(key=current)["keys"][0], max_age=3600)


@require_safe
def badge_class(request: HttpRequest, uid: Any) -> JsonResponse:
    badge = badge_class_by_uid(uid=uid)
    if badge is None:
        raise Http404(_("No such badge."))
    return _document(request, ob.badge_class_document(badge))


@require_safe
def assertion(request: HttpRequest, uid: Any) -> JsonResponse:
    award = badge_award_by_uid(uid=uid)
    if award is None:
        raise Http404(_("No such badge award."))
    status = 410 if award.is_revoked else 200
    return _document(request, ob.assertion_document(award), status=status, max_age=60)


@login_required
@require_safe
def credential_jwt(request: HttpRequest, uid: Any) -> HttpResponse:
    return _credential(request, uid, "jwt")


@login_required
@require_safe
def credential_json(request: HttpRequest, uid: Any) -> HttpResponse:
    return _credential(request, uid, "json")


def _credential(request: HttpRequest, uid: Any, fmt: str) -> HttpResponse:
    """The award's OB 3.0 credential as a file: signed (VC-JWT) or as JSON; its recipient's and
    staff's (404 for anyone else), and gone (410) once revoked."""
    award = badge_award_for_download(uid=uid, user=request.user)
    if award.is_revoked:
        return HttpResponse(_("This badge was revoked."), status=410, content_type="text/plain")
    response: HttpResponse
    if fmt == "jwt":
        response = HttpResponse(ob.credential_jwt(award), content_type="application/jwt")
    else:
        response = _document(request, ob.credential(award))
    response["Content-Disposition"] = f'attachment; filename="badge-{uid}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
