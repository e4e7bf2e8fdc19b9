"""Throttles per signed-in user and per API key (each its own scope, see settings)."""

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from accounts.models import ApiKey
from kalpla.api.throttling import FixedWindowMixin


def is_api_key_request(request: Request) -> bool:
    return isinstance(getattr(request, "auth", None), ApiKey)


class UserThrottle(FixedWindowMixin, UserRateThrottle):
    def get_cache_key(self, request: Request, view: Any) -> str | None:
        # Anonymous clients are counted by AnonThrottle only; API keys by ApiKeyThrottle.
        if is_api_key_request(request) or not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class ApiKeyThrottle(FixedWindowMixin, SimpleRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not is_api_key_request(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
