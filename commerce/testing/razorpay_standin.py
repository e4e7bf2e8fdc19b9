"""A stand-in of the parts of Razorpay's API Kalpla uses, on loopback.

Point the SDK at it (``RAZORPAY_API_BASE = stand_in.url``). Orders, their payments and
refunds are kept in memory with the documented shapes (``/v1/orders``,
``/v1/orders/{id}/payments``, ``/v1/payments/{id}/refund``). ``capture(order_id)`` is what
a buyer paying in Razorpay Checkout amounts to: a captured payment and a ``payment.captured``
webhook, signed as Razorpay signs (``X-Razorpay-Signature``: HMAC-SHA256 hex of the raw body,
``X-Razorpay-Event-Id``).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

from commerce.testing.server import (
    Answer,
    Route,
    StandInServer,
    hmac_hex,
    json_answer,
    post_later,
)


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(7)}"


def _error(description: str, status: int = 400) -> Answer:
    error = {"code": "BAD_REQUEST_ERROR", "description": description}
    return json_answer({"error": error}, status)


class RazorpayStandIn(StandInServer):
    def __init__(
        self,
        *,
        key_id: str = "rzp_test_standin",
        key_secret: str = "standin_secret",  # noqa: S107 - a test stand-in's
        webhook_url: str = "",
        webhook_secret: str = "rzp_webhook_standin",  # noqa: S107 - a test stand-in's
        webhook_delay: float = 0.5,
    ) -> None:
        super().__init__()
        self.key_id, self.key_secret = key_id, key_secret
        self.webhook_url, self.webhook_secret = webhook_url, webhook_secret
        self.webhook_delay = webhook_delay
        self.orders: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}

    def route(self, method: str, path: str) -> Route | None:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "orders"]:
            return self._order_create
        if method == "GET" and len(parts) == 4 and parts[:2] == ["v1", "orders"]:
            return self._order_payments if parts[3] == "payments" else None
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v1", "payments"]:
            return self._refund_create if parts[3] == "refund" else None
        return None

    def _authorised(self, headers: dict[str, str]) -> bool:
        raw = f"{self.key_id}:{self.key_secret}".encode()
        return headers.get("Authorization") == "Basic " + base64.b64encode(raw).decode()

    def _order_create(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        if not self._authorised(headers):
            return _error("Authentication failed", 401)
        data = json.loads(body or b"{}")
        if not isinstance(data.get("amount"), int) or data["amount"] < 100:
            return _error("The amount must be atleast INR 1.00")
        order = {
            "id": _new_id("order"),
            "entity": "order",
            "amount": data["amount"],
            "amount_paid": 0,
            "amount_due": data["amount"],
            "currency": data.get("currency", "INR"),
            "receipt": data.get("receipt"),
            "status": "created",
            "attempts": 0,
            "notes": data.get("notes") or {},
            "created_at": int(time.time()),
        }
        self.orders[order["id"]] = order
        return json_answer(order)

    def _order_payments(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        order_id = path.strip("/").split("/")[2]
        if order_id not in self.orders:
            return _error("The id provided does not exist")
        items = [p for p in self.payments.values() if p["order_id"] == order_id]
        return json_answer({"entity": "collection", "count": len(items), "items": items})

    def _refund_create(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        payment = self.payments.get(path.strip("/").split("/")[2])
        if payment is None:
            return _error("The id provided does not exist")
        data = json.loads(body or b"{}")
        refund = {
            "id": _new_id("rfnd"),
            "entity": "refund",
            "amount": data.get("amount") or payment["amount"],
            "currency": payment["currency"],
            "payment_id": payment["id"],
            "notes": data.get("notes") or {},
            "status": "processed",
            "created_at": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return json_answer(refund)

    # --- helpers for tests ----------------------------------------------------------------

    def capture(self, order_id: str, *, deliver: bool = True) -> dict[str, Any]:
        """The buyer pays ``order_id`` in Checkout: a captured payment, and its webhook."""
        order = self.orders[order_id]
        payment = {
            "id": _new_id("pay"),
            "entity": "payment",
            "amount": order["amount"],
            "currency": order["currency"],
            "status": "captured",
            "order_id": order_id,
            "method": "upi",
            "captured": True,
            "created_at": int(time.time()),
        }
        self.payments[payment["id"]] = payment
        order.update(status="paid", amount_paid=order["amount"], amount_due=0)
        event = self.event("payment.captured", {"payment": {"entity": payment}})
        if deliver and self.webhook_url:
            body, headers = self.signed(event)
            post_later(self.webhook_url, body, headers, self.webhook_delay)
        return event

    def event(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "entity": "event",
            "account_id": "acc_standin",
            "event": name,
            "contains": list(payload),
            "payload": payload,
            "created_at": int(time.time()),
            "_id": _new_id("evt"),
        }

    def signed(self, event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """The body and headers of ``event``'s delivery, signed with the webhook secret."""
        event = dict(event)
        event_id = event.pop("_id", _new_id("evt"))
        body = json.dumps(event).encode()
        return body, {
            "Content-Type": "application/json",
            "X-Razorpay-Signature": hmac_hex(self.webhook_secret, body),
            "X-Razorpay-Event-Id": event_id,
        }
