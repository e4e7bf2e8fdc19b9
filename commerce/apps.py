from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = _("Commerce")

    def ready(self) -> None:
        # notification kinds. Payment hooks (PAYMENT_RECORDED_HOOKS in services/orders.py)
        # and webhook handlers (WEBHOOK_HANDLERS in services/webhooks.py) are added here.
        from commerce import kinds  # noqa: F401
        from commerce.subscriptions_wiring import subscriptions_connect

        subscriptions_connect()
