"""What every integration shares: errors that tell jobs whether to retry, backend choice."""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.utils.module_loading import import_string

T = TypeVar("T")


class IntegrationError(Exception):
    """The service refused the work for good (bad input, unsupported language...)."""


class TransientIntegrationError(IntegrationError):
    """Throttling, timeouts, a service briefly down: the same call may succeed later."""


class JobNotReady(TransientIntegrationError):
    """External work is still in progress; the job polls again after ``retry_after`` seconds
    without counting it as a failed attempt."""

    def __init__(self, message: str, *, retry_after: float = 30.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CapabilityUnavailable(IntegrationError):
    """This backend cannot do this here (a tool is not installed, a language is missing).

    Callers record an honest 'unavailable' status instead of pretending to succeed.
    """


def choose_backend(setting_name: str, backends: dict[str, str | Callable[[], T]]) -> T:
    """Build the backend named by ``settings.<setting_name>`` ("local" or "aws")."""
    name = getattr(settings, setting_name)
    factory = backends[name]
    if isinstance(factory, str):
        factory = import_string(factory)
    return factory()
