"""Services say what happened; the DRF handler and the site helpers choose the status."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from kalpla import exceptions as errors
from kalpla.errors import service_error_json, service_error_to_form


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (errors.ApplicationError("x"), 400, "invalid"),
        (errors.ValidationError("x"), 400, "invalid"),
        (errors.NotAuthenticated("x"), 401, "not_authenticated"),
        (errors.PaymentRequired("x"), 402, "payment_required"),
        (errors.PermissionDenied("x", code="not_moderator"), 403, "not_moderator"),
        (errors.NotFound("x"), 404, "not_found"),
        (errors.Conflict("x"), 409, "conflict"),
        (errors.Throttled("x", retry_after=5), 429, "throttled"),
        (errors.Unavailable("x"), 503, "unavailable"),
    ],
)
def test_error_status_follows_the_kind(exc, status, code):
    assert errors.error_status(exc) == status
    assert exc.code == code

    response = errors.api_exception_handler(exc, {})

    assert response is not None
    assert response.status_code == status
    assert response.data["code"] == code


def test_refusals_are_djangos_own_for_site_views():
    assert isinstance(errors.PermissionDenied("x"), DjangoPermissionDenied)
    assert isinstance(errors.NotFound("x"), Http404)


def test_throttled_answers_429_with_retry_after():
    response = errors.api_exception_handler(errors.Throttled("Wait.", retry_after=42), {})

    assert response is not None
    assert response["Retry-After"] == "42"
    assert response.data == {
        "message": "Wait. Expected available in 42 seconds.",
        "code": "throttled",
    }


def test_service_errors_on_a_form_and_as_json():
    class NameForm(forms.Form):
        name = forms.CharField(required=False)

    form = NameForm({})
    assert form.is_valid()
    exc = errors.ValidationError("Check it.", errors={"name": ["Taken."], "other": ["Odd."]})

    service_error_to_form(form, exc)
    reply = service_error_json(errors.Conflict("Busy.", code="already_decided"))

    assert form.errors == {"__all__": ["Check it.", "Odd."], "name": ["Taken."]}
    assert reply.status_code == 409
    assert reply.content == b'{"message": "Busy.", "code": "already_decided"}'
