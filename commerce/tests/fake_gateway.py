"""A gateway for tests of the webhook pipeline: JSON bodies, signed by a fixed header."""

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from commerce.gateways.base import RemotePayment, SignatureError, WebhookEvent
from commerce.gateways.manual import ManualGateway

GOOD = "good-signature"


class FakeGateway(ManualGateway):
    name = "stripe"

    def webhook_parse(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        if headers.get("X-Test-Signature") != GOOD:
            raise SignatureError("bad signature")
        data = json.loads(body)
        payment = None
        if data.get("payment"):
            p = data["payment"]
            payment = RemotePayment(
                order_reference=p["order"],
                payment_id=p["id"],
                amount=Decimal(p["amount"]),
                currency=p["currency"],
                succeeded=data["kind"] == "payment.succeeded",
                failure_message=p.get("message", ""),
            )
        return WebhookEvent(
            event_id=data["id"],
            type=data["type"],
            kind=data["kind"],
            created_at=None,
            payload=data,
            payment=payment,
        )


def gateway() -> FakeGateway:
    return FakeGateway()


def event_body(
    *, event_id: str, order: Any, kind: str = "payment.succeeded", amount: Any = None
) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "type": "test." + kind,
            "kind": kind,
            "payment": {
                "order": order.number,
                "id": f"pay-{order.number}",
                "amount": str(order.total if amount is None else amount),
                "currency": order.currency,
                "message": "Card declined",
            },
        }
    ).encode()
