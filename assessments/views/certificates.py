"""Certificates: the public page that checks one by its code (no sign-in: valid, or revoked),
and a student's own list with their PDFs (and their badges)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..file_links import certificate_link
from .badges import my_badge_rows


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_by_code(code=code)
    return render(
        request,
        "assessments/certificate_verify.html",
        {"certificate": certificate, "code": code},
        status=200 if certificate else 404,
    )


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = list(selectors.my_certificates(user=request.user)[:100])
    rows = [{"certificate": c, "pdf_url": certificate_link(certificate=c)} for c in certificates]
    waiting = any(not c.pdf and c.status == c.Status.VALID for c in certificates)
    return render(
        request,
        "assessments/my_certificates.html",
        {"rows": rows, "waiting": waiting, "badge_awards": my_badge_rows(user=request.user)},
    )
