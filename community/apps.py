from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from community import kinds, receivers  # noqa: F401 - signal receivers, notification kinds
        from community.services import sanctions

        sanctions.register()  # chat messages in the moderation queue
