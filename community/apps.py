from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # signal receivers; notification kinds of topic groups
        from community import kinds_groups, receivers  # noqa: F401
