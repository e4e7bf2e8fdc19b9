"""The one place that builds boto3 clients: same endpoint, region and credentials everywhere.

AWS_ENDPOINT_URL (e.g. a moto server) reaches every client, so the whole app can point at a
local AWS stand-in.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from django.conf import settings

from kalpla.integrations.base import IntegrationError, TransientIntegrationError

TRANSIENT_CODES = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalFailure",
    "InternalServerError",
    "InternalServerException",
    "RequestTimeout",
    "RequestTimeoutException",
    "SlowDown",
}


def client(service: str, *, config: Config | None = None, **overrides: Any) -> Any:
    params = {**settings.AWS_CLIENT_PARAMS, **overrides}
    base = Config(
        retries={"max_attempts": settings.KALPLA_AWS_MAX_ATTEMPTS, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
    )
    return boto3.client(service, config=base.merge(config) if config else base, **params)


@contextmanager
def aws_errors(action: str) -> Iterator[None]:
    """Turn botocore failures into IntegrationError / TransientIntegrationError."""
    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        message = f"{action} failed: {code} {error.get('Message', '')}".strip()
        if code in TRANSIENT_CODES or status in (429, 500, 502, 503, 504):
            raise TransientIntegrationError(message) from exc
        raise IntegrationError(message) from exc
    except (
        EndpointConnectionError,
        ConnectTimeoutError,
        ReadTimeoutError,
        ConnectionClosedError,
    ) as exc:
        raise TransientIntegrationError(f"{action} failed: {exc}") from exc
    except BotoCoreError as exc:
        raise IntegrationError(f"{action} failed: {exc}") from exc
