from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """The moderation queue's records, registry and automatic checks: a platform app, so the
    apps whose content is moderated (courses, community) can flag it from below community;
    community holds the moderators' queue pages and API."""

    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from moderation import checks  # noqa: F401 - registers the start-up check of targets
