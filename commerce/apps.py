from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = _("Commerce")

    def ready(self) -> None:
        # notification kinds. Payment hooks (PAYMENT_RECORDED_HOOKS in services/orders.py)
        # and webhook handlers (WEBHOOK_HANDLERS in services/webhooks.py) are added here.
        from commerce import kinds, kinds_billing  # noqa: F401
        from commerce.services.billing_hooks import (
            coupon_redeem_on_payment,
            invoice_issue_on_payment,
            refund_succeeded,
        )
        from commerce.services.orders import PAYMENT_RECORDED_HOOKS
        from commerce.services.webhooks import WEBHOOK_HANDLERS

        for hook in (coupon_redeem_on_payment, invoice_issue_on_payment):
            if hook not in PAYMENT_RECORDED_HOOKS:
                PAYMENT_RECORDED_HOOKS.append(hook)
        WEBHOOK_HANDLERS["refund.succeeded"] = refund_succeeded
        from commerce.subscriptions_wiring import subscriptions_connect

        subscriptions_connect()
