from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    # allauth's account app (email addresses) is "Accounts" in the admin already.
    verbose_name = _("Users and API keys")

    def ready(self) -> None:
        from accounts import cache  # noqa: F401 - the roles cache's invalidation signals
        from accounts.api import schema  # noqa: F401 - registers the OpenAPI extension
