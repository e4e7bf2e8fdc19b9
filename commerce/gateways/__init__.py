"""Payment gateways behind one interface, picked by ``KALPLA_PAYMENT_GATEWAY``.

    gateway = get_gateway()                      # the configured one (manual by default)
    gateway = get_gateway("stripe")              # a named one (a webhook for that gateway)
    session = gateway.checkout_start(order=order, success_url=..., cancel_url=...)
    event = gateway.webhook_parse(body=request.body, headers=request.headers)

Only services call gateways; only the gateway modules import a payment SDK. Secrets come
from the environment (settings), never from the database.
"""

from commerce.gateways.base import (
    CheckoutSession,
    GatewayError,
    PaymentGateway,
    RemotePayment,
    RemoteRefund,
    RemoteSubscription,
    SignatureError,
    WebhookEvent,
    get_gateway,
)

__all__ = [
    "CheckoutSession",
    "GatewayError",
    "PaymentGateway",
    "RemotePayment",
    "RemoteRefund",
    "RemoteSubscription",
    "SignatureError",
    "WebhookEvent",
    "get_gateway",
]
