"""The pages' CSRF token: Django's masking, from one read of urandom, checked by Django."""

import re
from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
    get_token,
)
from django.test import Client, RequestFactory

from accounts.tests.factories import UserFactory
from kalpla.csrf import masked_token

pytestmark = pytest.mark.django_db


def test_the_token_is_the_requests_secret_masked_afresh_each_time():
    request = RequestFactory().get("/")
    get_token(request)  # the request now has a secret, as after CsrfViewMiddleware
    secret = request.META["CSRF_COOKIE"]
    tokens = [masked_token(request) for _ in range(200)]
    assert len(set(tokens)) == 200
    assert all(len(t) == CSRF_TOKEN_LENGTH and _unmask_cipher_token(t) == secret for t in tokens)
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    # every character of the mask is one of Django's 62, and each of them turns up
    masks = Counter("".join(t[: CSRF_TOKEN_LENGTH // 2] for t in tokens))
    assert set(masks) == set(CSRF_ALLOWED_CHARS)


def test_a_request_without_a_secret_gets_one_as_from_django():
    secrets = set()
    for _ in range(100):
        request = RequestFactory().get("/")
        token = masked_token(request)
        secret = request.META["CSRF_COOKIE"]
        assert _unmask_cipher_token(token) == secret and len(secret) == CSRF_TOKEN_LENGTH // 2
        assert set(secret) <= set(CSRF_ALLOWED_CHARS)
        assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the cookie is sent
        assert masked_token(request) != token  # the same secret, masked afresh
        assert _unmask_cipher_token(masked_token(request)) == secret
        secrets.add(secret)
    assert len(secrets) == 100


def test_a_first_visits_cookie_and_token_pass_djangos_check():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/").content.decode()  # no cookie sent: a first visit
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
    answer = client.post("/accounts/login/", {"csrfmiddlewaretoken": token, "login": "x"})
    assert answer.status_code == 200  # the form with its errors, not a CSRF refusal (403)


def test_a_pages_token_passes_djangos_check_and_a_forged_one_does_not():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    page = client.get("/courses/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    forged = token[:-1] + ("a" if token[-1] != "a" else "b")
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": forged}).status_code == 403
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
