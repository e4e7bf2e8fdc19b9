"""The Razorpay stand-in, with what subscriptions use: plans (``POST /v1/plans``) and
subscriptions (``POST /v1/subscriptions``, ``GET /v1/subscriptions/{id}``,
``POST /v1/subscriptions/{id}/cancel``) in the documented shapes.

``charge(sub_id)`` is a period paid (the first one is the subscriber authorising the mandate
on Razorpay's page): ``subscription.activated`` (the first time) and ``subscription.charged``
with the payment. ``fail(sub_id)`` is a failed charge (``subscription.pending``). Every event
is kept in ``events`` and sent when there is a webhook URL.
"""

from __future__ import annotations

import json
import time
from typing import Any

from commerce.testing.razorpay_standin import RazorpayStandIn, _error, _new_id
from commerce.testing.server import Answer, Route, json_answer, post_later

DAY = 86400
PERIOD_DAYS = {"monthly": 30, "yearly": 365}


class RazorpaySubscriptionStandIn(RazorpayStandIn):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plans: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []

    def route(self, method: str, path: str) -> Route | None:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "plans"]:
            return self._plan_create
        if method == "POST" and parts == ["v1", "subscriptions"]:
            return self._subscription_create
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "subscriptions"]:
            return self._subscription_get
        if method == "POST" and len(parts) == 4 and parts[1] == "subscriptions":
            return self._subscription_cancel if parts[3] == "cancel" else None
        return super().route(method, path)

    def _plan_create(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        if not self._authorised(headers):
            return _error("Authentication failed", 401)
        data = json.loads(body or b"{}")
        if data.get("period") not in PERIOD_DAYS or not (data.get("item") or {}).get("amount"):
            return _error("The period or the item's amount is invalid")
        plan = {"id": _new_id("plan"), "entity": "plan", **data, "created_at": int(time.time())}
        self.plans[plan["id"]] = plan
        return json_answer(plan)

    def _subscription_create(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        if not self._authorised(headers):
            return _error("Authentication failed", 401)
        data = json.loads(body or b"{}")
        if data.get("plan_id") not in self.plans:
            return _error("The id provided does not exist")
        now = int(time.time())
        sub = {
            "id": _new_id("sub"),
            "entity": "subscription",
            "plan_id": data["plan_id"],
            "customer_id": None,
            "status": "created",
            "current_start": None,
            "current_end": None,
            "ended_at": None,
            "quantity": 1,
            "notes": data.get("notes") or {},
            "charge_at": data.get("start_at") or now,
            "start_at": data.get("start_at") or now,
            "end_at": None,
            "total_count": data.get("total_count"),
            "paid_count": 0,
            "customer_notify": data.get("customer_notify", 1),
            "created_at": now,
            "short_url": f"{self.url}/subscriptions/pay",
        }
        sub["short_url"] = f"{self.url}/subscriptions/{sub['id']}/pay"
        self.subscriptions[sub["id"]] = sub
        return json_answer(sub)

    def _find(self, path: str) -> dict[str, Any] | None:
        return self.subscriptions.get(path.strip("/").split("/")[2])

    def _subscription_get(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        sub = self._find(path)
        return json_answer(sub) if sub else _error("The id provided does not exist")

    def _subscription_cancel(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        sub = self._find(path)
        if sub is None:
            return _error("The id provided does not exist")
        data = json.loads(body or b"{}")
        if data.get("cancel_at_cycle_end"):
            sub["cancel_at_cycle_end"] = True  # stays active until current_end
        else:
            sub.update(status="cancelled", ended_at=int(time.time()))
            self._emit("subscription.cancelled", sub)
        return json_answer(sub)

    # --- helpers for tests ----------------------------------------------------------------

    def _emit(self, name: str, sub: dict[str, Any], payment: dict[str, Any] | None = None) -> None:
        payload: dict[str, Any] = {"subscription": {"entity": json.loads(json.dumps(sub))}}
        if payment is not None:
            payload["payment"] = {"entity": payment}
        event = self.event(name, payload)
        self.events.append(event)
        if self.webhook_url:
            body, headers = self.signed(event)
            post_later(self.webhook_url, body, headers, self.webhook_delay)

    def charge(self, sub_id: str) -> None:
        """A period paid: the first one activates the subscription."""
        sub = self.subscriptions[sub_id]
        plan = self.plans[sub["plan_id"]]
        start = sub["current_end"] or int(time.time())
        sub.update(
            status="active",
            customer_id=sub["customer_id"] or _new_id("cust"),
            current_start=start,
            current_end=start + PERIOD_DAYS[plan["period"]] * DAY,
            paid_count=sub["paid_count"] + 1,
        )
        payment = {
            "id": _new_id("pay"),
            "entity": "payment",
            "amount": plan["item"]["amount"],
            "currency": plan["item"]["currency"],
            "status": "captured",
            "method": "card",
            "created_at": int(time.time()),
        }
        if sub["paid_count"] == 1:
            self._emit("subscription.activated", sub)
        self._emit("subscription.charged", sub, payment)

    def fail(self, sub_id: str) -> None:
        sub = self.subscriptions[sub_id]
        sub["status"] = "pending"
        self._emit("subscription.pending", sub)
