"""A stand-in gateway for subscription tests: a hosted checkout URL, a portal URL, cancel
calls recorded, the gateway's current state settable, and JSON webhook bodies carrying
subscription events (signed by a fixed header, like ``fake_gateway``)."""

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from commerce.gateways.base import (
    CheckoutSession,
    GatewayError,
    RemotePayment,
    RemoteSubscription,
    WebhookEvent,
)
from commerce.tests.fake_gateway import GOOD, FakeGateway

calls: list[tuple[str, Any]] = []
state: dict[str, RemoteSubscription] = {}
down = {"on": False}


class FakeSubscriptionGateway(FakeGateway):
    name = "stripe"

    def subscription_start(
        self, *, order: Any, plan: Any, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        if down["on"]:
            raise GatewayError("down")
        calls.append(("start", success_url))
        return CheckoutSession(
            reference=f"cs_{order.number}", url=f"https://pay.example/{order.number}"
        )

    def subscription_cancel(self, *, subscription: Any, at_period_end: bool) -> None:
        if down["on"]:
            raise GatewayError("down")
        calls.append(("cancel", at_period_end))

    def subscription_status(self, *, subscription: Any) -> RemoteSubscription:
        return state[subscription.gateway_subscription_id]

    def billing_portal_url(self, *, subscription: Any, return_url: str) -> str | None:
        return f"https://billing.example/session?return={return_url}"

    def webhook_parse(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        if "subscription" not in json.loads(body):
            return super().webhook_parse(body=body, headers=headers)
        if headers.get("X-Test-Signature") != GOOD:
            from commerce.gateways.base import SignatureError

            raise SignatureError("bad signature")
        data = json.loads(body)
        return WebhookEvent(
            event_id=data["id"],
            type="customer.subscription.updated",
            kind="subscription.updated",
            created_at=datetime.fromisoformat(data["at"]),
            payload=data,
            subscription=remote_from(data["subscription"]),
        )


def gateway() -> FakeSubscriptionGateway:
    return FakeSubscriptionGateway()


def remote(
    sub_id: str = "sub_1",
    status: str = "active",
    *,
    order: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    cancel: bool = False,
    paid: tuple[str, str] | None = None,
    failed: str = "",
) -> RemoteSubscription:
    """A subscription as the gateway describes it; ``paid`` = (payment id, amount)."""
    payment = None
    if paid is not None:
        payment = RemotePayment(
            order_reference=order,
            payment_id=paid[0],
            amount=Decimal(paid[1]),
            currency="INR",
            succeeded=True,
        )
    elif failed:
        payment = RemotePayment(
            order_reference=order,
            payment_id="",
            amount=Decimal("0"),
            currency="INR",
            succeeded=False,
            failure_message=failed,
        )
    return RemoteSubscription(
        subscription_id=sub_id,
        status=status,
        customer_id="cus_1",
        order_reference=order,
        current_period_start=start,
        current_period_end=end,
        cancel_at_period_end=cancel,
        latest_payment=payment,
    )


def remote_from(data: dict[str, Any]) -> RemoteSubscription:
    def when(key: str) -> datetime | None:
        return datetime.fromisoformat(data[key]) if data.get(key) else None

    paid = (data["paid"][0], data["paid"][1]) if data.get("paid") else None
    return remote(
        data["id"],
        data["status"],
        order=data.get("order", ""),
        start=when("start"),
        end=when("end"),
        cancel=data.get("cancel", False),
        paid=paid,
    )


def event_body(event_id: str, at: datetime, **subscription: Any) -> bytes:
    for key in ("start", "end"):
        if isinstance(subscription.get(key), datetime):
            subscription[key] = subscription[key].isoformat()
    return json.dumps({"id": event_id, "at": at.isoformat(), "subscription": subscription}).encode()
