"""How subscriptions plug into the rest of commerce (called once from ``CommerceConfig.ready``)."""


def subscriptions_connect() -> None:
    """Notification kinds and beat tasks; a paid manual plan order starts or extends its
    subscription (``PAYMENT_RECORDED_HOOKS``); the gateways' subscription events
    (``WEBHOOK_HANDLERS["subscription.updated"]``); a plan order refunded in full ends its
    subscription (``FULL_REFUND_HOOKS``)."""
    from commerce import kinds_subscriptions, tasks_subscriptions  # noqa: F401
    from commerce.services.orders import PAYMENT_RECORDED_HOOKS
    from commerce.services.refunds import FULL_REFUND_HOOKS
    from commerce.services.subscriptions import (
        subscription_order_refunded,
        subscription_payment_recorded,
        subscription_updated_webhook,
    )
    from commerce.services.webhooks import WEBHOOK_HANDLERS

    if subscription_payment_recorded not in PAYMENT_RECORDED_HOOKS:
        PAYMENT_RECORDED_HOOKS.append(subscription_payment_recorded)
    WEBHOOK_HANDLERS["subscription.updated"] = subscription_updated_webhook
    if subscription_order_refunded not in FULL_REFUND_HOOKS:
        FULL_REFUND_HOOKS.append(subscription_order_refunded)
