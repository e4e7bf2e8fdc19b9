"""Services say what happened; the DRF handler and the site helpers choose the status."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from kalpla import exceptions as errors
from kalpla.errors import service_error_json, service_error_to_form, service_run


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


def _service_failing(exc):
    def call():
        raise exc

    return call


def test_service_run_shows_an_error_on_the_form_or_as_a_message(rf):
    class NameForm(forms.Form):
        name = forms.CharField(required=False)

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    form = NameForm({})
    assert form.is_valid()

    on_form = service_run(
        request, _service_failing(errors.ValidationError("Taken.")), form=form, success="no"
    )
    as_message = service_run(request, _service_failing(errors.Conflict("Busy.")))
    done = service_run(request, lambda: 42, success=lambda value: f"Got {value}.")

    assert not on_form.ok and form.errors == {"__all__": ["Taken."]}
    assert not as_message.ok and isinstance(as_message.error, errors.Conflict)
    assert done.ok and done.result == 42
    assert [str(m) for m in get_messages(request)] == ["Busy.", "Got 42."]


def test_service_run_lets_refusals_through_to_the_error_pages_unless_asked(rf):
    request = rf.post("/")
    refused = _service_failing(errors.PermissionDenied("No."))

    with pytest.raises(errors.PermissionDenied):
        service_run(request, refused)
    for_script = service_run(request, refused, as_json=True)

    assert not for_script.ok
    assert for_script.json().status_code == 403
