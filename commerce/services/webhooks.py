"""Webhooks: verified, stored once, applied once.

``webhook_receive`` verifies the gateway's signature (``SignatureError`` changes nothing), then
in ONE transaction stores the event's ``GatewayEvent`` row under its unique (gateway, event
id) constraint and applies the event through ``WEBHOOK_HANDLERS[event.kind]``. A replay, or the
same event delivered concurrently, fails the insert (the second waits for the first to commit
on the unique index) and applies nothing; if applying fails the row is rolled back with it, so
the gateway's retry applies it later. Unknown kinds are stored with outcome "ignored".

Handlers take (event, gateway_name) and return the outcome to store ("applied", "ignored", or
a short reason such as "unknown_order"); other parts of commerce register theirs in
``commerce.apps``: ``WEBHOOK_HANDLERS["subscription.updated"] = ...``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from django.db import IntegrityError, transaction

from commerce.gateways import WebhookEvent, get_gateway
from commerce.models import GatewayEvent
from commerce.selectors import order_for_reference
from commerce.services.orders import order_payment_failed, payment_record
from kalpla.exceptions import ValidationError

logger = logging.getLogger(__name__)

WebhookHandler = Callable[[WebhookEvent, str], str]

APPLIED = "applied"
IGNORED = "ignored"
DUPLICATE = "duplicate"


def payment_succeeded(event: WebhookEvent, gateway_name: str) -> str:
    remote = event.payment
    if remote is None:
        return IGNORED
    order = order_for_reference(gateway=gateway_name, reference=remote.order_reference)
    if order is None:
        logger.warning("%s event %s names no known order", gateway_name, event.event_id)
        return "unknown_order"
    try:
        payment_record(
            order=order,
            gateway=gateway_name,
            payment_id=remote.payment_id,
            amount=remote.amount,
            currency=remote.currency,
        )
    except ValidationError as exc:
        return exc.code
    return APPLIED


def payment_failed(event: WebhookEvent, gateway_name: str) -> str:
    remote = event.payment
    if remote is None:
        return IGNORED
    order = order_for_reference(gateway=gateway_name, reference=remote.order_reference)
    if order is None:
        return "unknown_order"
    order_payment_failed(order=order, message=remote.failure_message)
    return APPLIED


WEBHOOK_HANDLERS: dict[str, WebhookHandler] = {
    "payment.succeeded": payment_succeeded,
    "payment.failed": payment_failed,
}


def webhook_receive(*, gateway_name: str, body: bytes, headers: Mapping[str, str]) -> str:
    """Verify, store and apply one webhook delivery; returns the outcome.

    Raises ``SignatureError`` (nothing stored) when the signature does not verify. Returns
    "duplicate" for an event already stored.
    """
    event = get_gateway(gateway_name).webhook_parse(body=body, headers=headers)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = GatewayEvent.objects.create(
                    gateway=gateway_name,
                    event_id=event.event_id[:100],
                    type=event.type[:80],
                    payload=event.payload,
                    outcome="pending",
                )
        except IntegrityError:
            logger.info("%s event %s delivered again", gateway_name, event.event_id)
            return DUPLICATE
        handler = WEBHOOK_HANDLERS.get(event.kind)
        outcome = handler(event, gateway_name) if handler is not None else IGNORED
        record.outcome = outcome[:20]
        record.save(update_fields=["outcome"])
    return outcome
