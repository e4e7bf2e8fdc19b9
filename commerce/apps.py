from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = _("Commerce")

    def ready(self) -> None:
        # subscriptions: notification kinds, beat tasks
        from commerce import kinds_subscriptions, tasks_subscriptions  # noqa: F401
