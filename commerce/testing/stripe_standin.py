"""A stand-in of the parts of Stripe's API Kalpla uses, on loopback.

Point the SDK at it (``STRIPE_API_BASE = stand_in.url``). It keeps Checkout Sessions in
memory with the documented shapes (``/v1/checkout/sessions``, ``/v1/refunds``) and serves a
hosted "checkout page" (``session.url``) whose Pay button marks the session paid, redirects
to ``success_url`` and POSTs a ``checkout.session.completed`` event to ``webhook_url``,
signed as Stripe signs (``Stripe-Signature: t=<ts>,v1=<HMAC-SHA256 of "<ts>.<payload>">``).

    stand_in = StripeStandIn(webhook_url=live_server.url + "/webhooks/stripe/",
                             webhook_secret="whsec_test").start()
"""

from __future__ import annotations

import html
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

from commerce.testing.server import (
    Answer,
    Route,
    StandInServer,
    hmac_hex,
    json_answer,
    post_later,
    redirect_answer,
)


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},v1={hmac_hex(secret, f'{ts}.'.encode() + payload)}"


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def _new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


class StripeStandIn(StandInServer):
    def __init__(
        self,
        *,
        webhook_url: str = "",
        webhook_secret: str = "whsec_test_standin",  # noqa: S107 - a test stand-in's
        api_key: str = "",
        webhook_delay: float = 0.5,
    ) -> None:
        super().__init__()
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.api_key = api_key
        self.webhook_delay = webhook_delay
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []

    # --- routing ------------------------------------------------------------------------

    def route(self, method: str, path: str) -> Route | None:
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._session_create
        if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            return self._session_get
        if method == "POST" and path == "/v1/refunds":
            return self._refund_create
        if parts[0] == "checkout" and len(parts) == 2 and method == "GET":
            return self._page
        if parts[0] == "checkout" and len(parts) == 3 and method == "POST":
            return self._page_pay if parts[2] == "pay" else self._page_cancel
        return None

    def _check_key(self, headers: dict[str, str]) -> Answer | None:
        if self.api_key and headers.get("Authorization") != f"Bearer {self.api_key}":
            error = {"type": "invalid_request_error", "message": "Invalid API Key provided."}
            return json_answer({"error": error}, 401)
        return None

    # --- the API --------------------------------------------------------------------------

    def _session_create(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        refused = self._check_key(headers)
        if refused:
            return refused
        form = _form(body)
        amount, index = 0, 0
        while f"line_items[{index}][price_data][unit_amount]" in form:
            quantity = int(form.get(f"line_items[{index}][quantity]", "1"))
            amount += int(form[f"line_items[{index}][price_data][unit_amount]"]) * quantity
            index += 1
        session_id = _new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": form.get("mode", "payment"),
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "amount_total": amount,
            "currency": form.get("line_items[0][price_data][currency]", "inr"),
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "metadata": {
                key[9:-1]: value for key, value in form.items() if key.startswith("metadata[")
            },
            "title": form.get("line_items[0][price_data][product_data][name]", ""),
            "success_url": form.get("success_url", ""),
            "cancel_url": form.get("cancel_url", ""),
            "url": f"{self.url}/checkout/{session_id}",
            "created": int(time.time()),
        }
        self.sessions[session_id] = session
        return json_answer(self._public(session))

    @staticmethod
    def _public(session: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in session.items() if k != "title"}

    def _session_get(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        session = self.sessions.get(path.rstrip("/").rsplit("/", 1)[-1])
        if session is None:
            error = {"type": "invalid_request_error", "message": "No such checkout.session"}
            return json_answer({"error": error}, 404)
        return json_answer(self._public(session))

    def _refund_create(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        form = _form(body)
        session = next(
            (
                s
                for s in self.sessions.values()
                if s["payment_intent"] == form.get("payment_intent")
            ),
            None,
        )
        if session is None:
            error = {"type": "invalid_request_error", "message": "No such payment_intent"}
            return json_answer({"error": error}, 404)
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": int(form.get("amount") or session["amount_total"]),
            "currency": session["currency"],
            "payment_intent": session["payment_intent"],
            "status": "succeeded",
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return json_answer(refund)

    # --- the hosted checkout page ---------------------------------------------------------

    def _page(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        session = self.sessions.get(path.rstrip("/").rsplit("/", 1)[-1])
        if session is None:
            return 404, "text/html", b"<h1>No such checkout session</h1>", {}
        amount = session["amount_total"] / 100
        page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Pay - Stripe stand-in</title></head><body><main>
<h1>Stripe stand-in checkout</h1>
<p>{html.escape(session["title"])}</p>
<p>Total: <strong>{amount:.2f} {html.escape(session["currency"].upper())}</strong></p>
<form method="post" action="/checkout/{session["id"]}/pay"><button type="submit">Pay</button></form>
<form method="post" action="/checkout/{session["id"]}/cancel"><button type="submit">Back</button></form>
</main></body></html>"""
        return 200, "text/html; charset=utf-8", page.encode(), {}

    def _page_pay(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        session_id = path.strip("/").split("/")[1]
        if session_id not in self.sessions:
            return 404, "text/html", b"<h1>No such checkout session</h1>", {}
        session = self.pay(session_id)
        return redirect_answer(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))

    def _page_cancel(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        session = self.sessions.get(path.strip("/").split("/")[1])
        if session is None:
            return 404, "text/html", b"<h1>No such checkout session</h1>", {}
        return redirect_answer(session["cancel_url"])

    # --- helpers for tests ----------------------------------------------------------------

    def pay(self, session_id: str, *, deliver: bool = True) -> dict[str, Any]:
        """Mark the session paid (as the Pay button does) and send its webhook."""
        session = self.sessions[session_id]
        if session["payment_status"] != "paid":
            session.update(status="complete", payment_status="paid", payment_intent=_new_id("pi"))
            event = self.event("checkout.session.completed", self._public(session))
            if deliver and self.webhook_url:
                self.deliver(event)
        return session

    def event(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = {
            "id": _new_id("evt"),
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2025-03-31.basil",
            "data": {"object": obj},
        }
        self.events.append(event)
        return event

    def signed(self, event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """The body and headers of ``event``'s delivery, signed with the webhook secret."""
        body = json.dumps(event).encode()
        headers = {
            "Content-Type": "application/json",
            "Stripe-Signature": stripe_signature(body, self.webhook_secret),
        }
        return body, headers

    def deliver(self, event: dict[str, Any]) -> None:
        body, headers = self.signed(event)
        post_later(self.webhook_url, body, headers, self.webhook_delay)
