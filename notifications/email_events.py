"""Email delivery events (SES -> SNS -> anymail's tracking webhook) as plain EmailEvents.

anymail validates the webhook (basic auth with ANYMAIL WEBHOOK_SECRET, SNS headers) and sends
``anymail.signals.tracking``; the receiver here turns each event into an EmailEvent and calls
every handler that settings.KALPLA_EMAIL_EVENT_HANDLERS names (dotted paths, in order)::

    def suppress_bounces(event: EmailEvent) -> None:
        if event.kind == "complained" or event.bounce == "hard": ...

    KALPLA_EMAIL_EVENT_HANDLERS = ["notifications.services.suppression.email_event_record"]

Handlers run inside the webhook request. An exception makes the webhook answer 500, and SNS
delivers the notification again later, so handlers must be idempotent (``event_id`` is the
SNS message id, stable across redeliveries).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import AnymailTrackingEvent, tracking
from anymail.utils import get_anymail_setting
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.module_loading import import_string

from kalpla.integrations.sns_signatures import SnsSignatureError, sns_message_verify

logger = logging.getLogger(__name__)

BounceType = Literal["hard", "soft"]

# SES bounceType -> ours. "Undetermined" is treated as soft: never suppress on a guess.
SES_BOUNCE_TYPES: dict[str, BounceType] = {
    "Permanent": "hard",
    "Transient": "soft",
    "Undetermined": "soft",
}


@dataclass(frozen=True)
class EmailEvent:
    """One event for one recipient.

    ``kind`` is anymail's event type: "delivered", "bounced", "complained", "rejected",
    "sent", "deferred", "failed", "opened", "clicked", "unknown"...
    ``bounce`` is "hard" (permanent: stop mailing) or "soft" (temporary) for bounces.
    """

    kind: str
    recipient: str
    message_id: str
    timestamp: datetime | None = None
    bounce: BounceType | None = None
    description: str = ""
    mta_response: str = ""
    event_id: str = ""
    esp: str = ""
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


EmailEventHandler = Callable[[EmailEvent], None]


def email_event_handlers() -> list[EmailEventHandler]:
    """The handlers settings.KALPLA_EMAIL_EVENT_HANDLERS names, in order."""
    return [import_string(path) for path in settings.KALPLA_EMAIL_EVENT_HANDLERS]


def email_event_from_anymail(event: AnymailTrackingEvent, esp_name: str = "") -> EmailEvent:
    kind = str(event.event_type or "unknown")
    return EmailEvent(
        kind=kind,
        recipient=str(event.recipient or ""),
        message_id=str(event.message_id or ""),
        timestamp=event.timestamp,
        bounce=_bounce_type(kind, event.esp_event),
        description=str(event.description or ""),
        mta_response=str(event.mta_response or ""),
        event_id=str(event.event_id or ""),
        esp=esp_name,
        tags=list(event.tags or []),
        metadata=dict(event.metadata or {}),
    )


def _bounce_type(kind: str, esp_event: Any) -> BounceType | None:
    if kind == "deferred":
        return "soft"
    if kind != "bounced":
        return None
    if isinstance(esp_event, dict):
        bounce_type = (esp_event.get("bounce") or {}).get("bounceType")
        if bounce_type:
            return SES_BOUNCE_TYPES.get(str(bounce_type), "soft")
    # anymail's "bounced" means a permanent failure when the ESP does not say more.
    return "hard"


def email_event_dispatch(event: EmailEvent) -> None:
    for handler in email_event_handlers():
        handler(event)


def _webhook_secret_configured() -> bool:
    return bool(get_anymail_setting("webhook_secret", default=None))


@receiver(tracking, dispatch_uid="notifications.email_events.tracking")
def _on_tracking(
    sender: Any, event: AnymailTrackingEvent, esp_name: str = "", **kwargs: Any
) -> None:
    # Defence in depth: anymail only warns when WEBHOOK_SECRET is unset and then accepts
    # anyone's POST. Never act (e.g. suppress an address) on an unauthenticated event.
    if not _webhook_secret_configured():
        raise AnymailWebhookValidationFailure(
            "Email events are refused until ANYMAIL_WEBHOOK_SECRET is configured."
        )
    email_event = email_event_from_anymail(event, esp_name)
    logger.info(
        "email event %s for message %s (%s)",
        email_event.kind,
        email_event.message_id,
        email_event.bounce or "-",
    )
    email_event_dispatch(email_event)


class VerifiedSesTrackingWebhookView(AmazonSESTrackingWebhookView):
    """anymail's SES tracking webhook that also checks the Amazon SNS signature.

    anymail runs every class's ``validate_request`` (basic auth, SNS headers, then this), so
    a post must carry the webhook secret and be signed by SNS. ``KALPLA_SNS_VERIFY_SIGNATURES``
    turns the signature check off (e.g. behind a proxy that re-encodes bodies).
    """

    def validate_request(self, request: HttpRequest) -> None:
        if not settings.KALPLA_SNS_VERIFY_SIGNATURES:
            return
        try:
            sns_message_verify(self._parse_sns_message(request))
        except SnsSignatureError as exc:
            raise AnymailWebhookValidationFailure(f"SNS signature: {exc}") from exc
