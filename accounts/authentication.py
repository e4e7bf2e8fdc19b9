"""DRF authentication by per-user API key: ``Authorization: Api-Key <key>``."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith(f"{KEYWORD} "):
            return None
        raw = header[len(KEYWORD) + 1 :].strip()
        from accounts.services import api_key_authenticate

        key = api_key_authenticate(raw_key=raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
