"""``Idempotency-Key`` for API POSTs that a retry could duplicate (API.md, "Writes").

    class OrderCreateApi(APIView):
        @idempotent(scope="orders.create")
        def post(self, request, ...): ...

The first request with a key runs and its answer (success or a 4xx) is stored; a retry with
the same key and the same request gets that answer again (header ``Idempotent-Replayed:
true``) and nothing runs twice. The same key with a different request is a 400
``idempotency_key_reused``; a retry while the first is still running is a 409
``idempotency_in_progress``. 5xx answers and crashes are not stored, so a retry runs again.
Keys are per user and endpoint, kept ``KEEP`` (the ``idempotency.purge`` beat job forgets
older ones).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from idempotency.models import IdempotencyRecord
from kalpla.exceptions import ApplicationError, Conflict, ValidationError, error_body, error_status

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
MAX_KEY_LENGTH = 255
F = TypeVar("F", bound=Callable[..., Response])

# For extend_schema(parameters=[IDEMPOTENCY_PARAMETER]) on the views that honour it.
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description=(
        "A unique value per intended action (a UUID). Retrying with the same key returns "
        "the first answer (header `Idempotent-Replayed: true`) instead of acting twice; "
        "the same key with a different body is a 400 `idempotency_key_reused`. Kept 24 hours."
    ),
)


def _fingerprint(request: Request) -> str:
    data = json.dumps([request.path, request.data], sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(data.encode()).hexdigest()


def idempotency_begin(*, user: Any, scope: str, key: str, request_hash: str) -> IdempotencyRecord:
    """Claim ``key`` (a new record with status 0), or return the record of its first use."""
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            _("The Idempotency-Key is too long (at most 255 characters)."),
            code="idempotency_key_invalid",
        )
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=user, scope=scope, key=key, request_hash=request_hash
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
    if record.request_hash != request_hash:
        raise ValidationError(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_key_reused",
        )
    if record.status_code == 0:
        raise Conflict(
            _("A request with this Idempotency-Key is still being processed."),
            code="idempotency_in_progress",
        )
    return record


def _finish(record: IdempotencyRecord, status: int, body: Any) -> None:
    if status >= 500:
        record.delete()
        return
    record.status_code = status
    record.response = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    record.save(update_fields=["status_code", "response"])


def idempotent(*, scope: str) -> Callable[[F], F]:
    """Make an APIView's POST method honour ``Idempotency-Key`` (see the module docstring)."""

    def decorate(method: F) -> F:
        @wraps(method)
        def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = request.headers.get(HEADER, "").strip()
            if not key or not request.user.is_authenticated:
                return method(view, request, *args, **kwargs)
            record = idempotency_begin(
                user=request.user, scope=scope, key=key, request_hash=_fingerprint(request)
            )
            if record.status_code:
                return Response(
                    record.response,
                    status=record.status_code,
                    headers={"Idempotent-Replayed": "true"},
                )
            try:
                response = method(view, request, *args, **kwargs)
            except ApplicationError as exc:
                _finish(record, error_status(exc), error_body(exc.message, exc.code, exc.errors))
                raise
            except BaseException:
                record.delete()
                raise
            _finish(record, response.status_code, response.data)
            return response

        return cast(F, wrapper)

    return decorate


def idempotency_purge(*, now: Any = None) -> int:
    """Forget keys older than ``KEEP``; returns how many."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
