from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # signal receivers; notification kinds (moderation, topic groups)
        from community import kinds, kinds_groups, receivers  # noqa: F401
        from community.services import sanctions

        sanctions.register()  # chat messages in the moderation queue
