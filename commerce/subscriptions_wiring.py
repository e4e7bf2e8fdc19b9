"""How subscriptions plug into the rest of commerce (called once from ``CommerceConfig.ready``)."""


def subscriptions_connect() -> None:
    """Notification kinds and beat tasks; a paid manual plan order starts or extends its
    subscription (``PAYMENT_RECORDED_HOOKS``); the gateways' subscription events
    (``WEBHOOK_HANDLERS["subscription.updated"]``)."""
    from commerce import kinds_subscriptions, tasks_subscriptions  # noqa: F401
    from commerce.services.orders import PAYMENT_RECORDED_HOOKS
    from commerce.services.subscriptions import (
        subscription_payment_recorded,
        subscription_updated_webhook,
    )
    from commerce.services.webhooks import WEBHOOK_HANDLERS

    if subscription_payment_recorded not in PAYMENT_RECORDED_HOOKS:
        PAYMENT_RECORDED_HOOKS.append(subscription_payment_recorded)
    WEBHOOK_HANDLERS["subscription.updated"] = subscription_updated_webhook
