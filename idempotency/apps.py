from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdempotencyConfig(AppConfig):
    name = "idempotency"
    verbose_name = _("Idempotency keys")

    def ready(self) -> None:
        from idempotency import tasks  # noqa: F401 (registers the purge task)
