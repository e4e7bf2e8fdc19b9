from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    # allauth's account app (email addresses) is "Accounts" in the admin already.
    verbose_name = _("Users and API keys")

    def ready(self) -> None:
        # The roles cache's invalidation signals; invited accounts' addresses verified.
        from accounts import cache, receivers  # noqa: F401
        from accounts.api import schema  # noqa: F401 - registers the OpenAPI extension
