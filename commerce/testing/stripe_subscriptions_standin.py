"""The Stripe stand-in, with what subscriptions use: Checkout in subscription mode, the
Subscription object (``/v1/subscriptions/{id}``: retrieve, update, cancel), the Billing
Portal (``/v1/billing_portal/sessions``) and one-off coupons (``/v1/coupons``).

Paying a subscription-mode session (the hosted page's Pay button, or ``pay()``) creates the
subscription (trialing when the session asked for a trial) and sends, as Stripe does,
``checkout.session.completed``, ``customer.subscription.created`` and, when money was taken,
``invoice.paid``. Test helpers move a subscription on: ``renew()``, ``fail_renewal()``,
``end()``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from commerce.testing.server import Answer, Route, json_answer
from commerce.testing.stripe_standin import StripeStandIn, _form, _new_id

DAY = 86400
PERIOD_DAYS = {"month": 30, "year": 365}


class StripeSubscriptionStandIn(StripeStandIn):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.coupons: dict[str, dict[str, Any]] = {}
        self.portal_sessions: list[dict[str, Any]] = []

    def route(self, method: str, path: str) -> Route | None:
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "subscriptions"] and len(parts) == 3:
            return {
                "GET": self._subscription_get,
                "POST": self._subscription_update,
                "DELETE": self._subscription_cancel,
            }.get(method)
        if method == "POST" and path == "/v1/billing_portal/sessions":
            return self._portal_create
        if method == "POST" and path == "/v1/coupons":
            return self._coupon_create
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._subscription_session_create
        return super().route(method, path)

    # --- the API --------------------------------------------------------------------------

    def _subscription_session_create(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        answer = self._session_create(path, headers, body)
        form = _form(body)
        if form.get("mode") != "subscription" or answer[0] != 200:
            return answer
        session = self.sessions[json.loads(answer[2])["id"]]
        discount = 0
        coupon = self.coupons.get(form.get("discounts[0][coupon]", ""))
        if coupon is not None:
            discount = int(coupon["amount_off"])
        session.update(
            subscription=None,
            amount_total=max(session["amount_total"] - discount, 0),
            recurring_amount=session["amount_total"],
            interval=form.get("line_items[0][price_data][recurring][interval]", "month"),
            trial_days=int(form.get("subscription_data[trial_period_days]") or 0),
            subscription_metadata={
                key[len("subscription_data[metadata][") : -1]: value
                for key, value in form.items()
                if key.startswith("subscription_data[metadata][")
            },
        )
        if session["trial_days"]:
            session["amount_total"] = 0
        return json_answer(self._public(session))

    @staticmethod
    def _public(session: dict[str, Any]) -> dict[str, Any]:
        hidden = {"title", "recurring_amount", "interval", "trial_days", "subscription_metadata"}
        return {k: v for k, v in session.items() if k not in hidden}

    def _find(self, path: str) -> dict[str, Any] | None:
        return self.subscriptions.get(path.rstrip("/").rsplit("/", 1)[-1])

    @staticmethod
    def _missing() -> Answer:
        error = {"type": "invalid_request_error", "message": "No such subscription"}
        return json_answer({"error": error}, 404)

    def _subscription_get(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        sub = self._find(path)
        return json_answer(sub) if sub else self._missing()

    def _subscription_update(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        sub = self._find(path)
        if sub is None:
            return self._missing()
        form = _form(body)
        if "cancel_at_period_end" in form:
            sub["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
            self._tell("customer.subscription.updated", sub)
        return json_answer(sub)

    def _subscription_cancel(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        sub = self._find(path)
        if sub is None:
            return self._missing()
        sub.update(status="canceled", canceled_at=int(time.time()))
        self._tell("customer.subscription.deleted", sub)
        return json_answer(sub)

    def _portal_create(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        form = _form(body)
        session = {
            "id": _new_id("bps"),
            "object": "billing_portal.session",
            "customer": form.get("customer"),
            "return_url": form.get("return_url"),
            "url": f"{self.url}/billing/{form.get('customer')}",
        }
        self.portal_sessions.append(session)
        return json_answer(session)

    def _coupon_create(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        form = _form(body)
        coupon_id = _new_id("co")
        coupon: dict[str, Any] = {
            "id": coupon_id,
            "object": "coupon",
            "amount_off": int(form.get("amount_off") or 0),
            "currency": form.get("currency"),
            "duration": form.get("duration", "once"),
            "max_redemptions": int(form.get("max_redemptions") or 0) or None,
        }
        self.coupons[coupon_id] = coupon
        return json_answer(coupon)

    # --- paying and the subscription's life -----------------------------------------------

    def pay(self, session_id: str, *, deliver: bool = True) -> dict[str, Any]:
        session = self.sessions[session_id]
        if session.get("mode") != "subscription" or session["payment_status"] == "paid":
            return super().pay(session_id, deliver=deliver)
        now = int(time.time())
        trial = session["trial_days"]
        period = (trial * DAY) if trial else PERIOD_DAYS[session["interval"]] * DAY
        sub = {
            "id": _new_id("sub"),
            "object": "subscription",
            "status": "trialing" if trial else "active",
            "customer": _new_id("cus"),
            "cancel_at_period_end": False,
            "trial_end": now + period if trial else None,
            "metadata": session["subscription_metadata"],
            "currency": session["currency"],
            "plan_amount": session["recurring_amount"],
            "interval": session["interval"],
            "items": {
                "object": "list",
                "data": [{"current_period_start": now, "current_period_end": now + period}],
            },
            "created": now,
        }
        self.subscriptions[sub["id"]] = sub
        session.update(
            status="complete",
            payment_status="paid" if session["amount_total"] else "no_payment_required",
            subscription=sub["id"],
            customer=sub["customer"],
        )
        self._emit(self.event("checkout.session.completed", self._public(session)), deliver)
        self._tell("customer.subscription.created", sub, deliver)
        if session["amount_total"]:
            self._emit(self._invoice(sub, session["amount_total"], "subscription_create"), deliver)
        return session

    def _emit(self, event: dict[str, Any], deliver: bool = True) -> None:
        """Every event is kept in ``events``; sent when there is a webhook URL."""
        if deliver and self.webhook_url:
            self.deliver(event)

    def _tell(self, event_type: str, sub: dict[str, Any], deliver: bool = True) -> None:
        self._emit(self.event(event_type, json.loads(json.dumps(sub))), deliver)

    def _invoice(self, sub: dict[str, Any], amount: int, reason: str) -> dict[str, Any]:
        period = sub["items"]["data"][0]
        invoice = {
            "id": _new_id("in"),
            "object": "invoice",
            "customer": sub["customer"],
            "subscription": sub["id"],
            "subscription_details": {"metadata": sub["metadata"]},
            "payment_intent": _new_id("pi"),
            "amount_paid": amount,
            "currency": sub["currency"],
            "billing_reason": reason,
            "status": "paid",
            "lines": {
                "data": [
                    {
                        "period": {
                            "start": period["current_period_start"],
                            "end": period["current_period_end"],
                        }
                    }
                ]
            },
        }
        return self.event("invoice.paid", invoice)

    def renew(self, sub_id: str) -> None:
        """The next period is charged and paid."""
        sub = self.subscriptions[sub_id]
        period = sub["items"]["data"][0]
        start = period["current_period_end"]
        period.update(
            current_period_start=start,
            current_period_end=start + PERIOD_DAYS[sub["interval"]] * DAY,
        )
        sub["status"] = "active"
        self._tell("customer.subscription.updated", sub)
        self._emit(self._invoice(sub, sub["plan_amount"], "subscription_cycle"))

    def fail_renewal(self, sub_id: str) -> None:
        """The next period's charge is declined: past due while Stripe retries."""
        sub = self.subscriptions[sub_id]
        sub["status"] = "past_due"
        self._tell("customer.subscription.updated", sub)

    def end(self, sub_id: str, status: str = "canceled") -> None:
        sub = self.subscriptions[sub_id]
        sub["status"] = status
        self._tell("customer.subscription.deleted", sub)
