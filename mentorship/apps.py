from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self) -> None:
        # One line per area: its notification kinds, receivers and page parts.
        from mentorship import kinds_directory  # noqa: F401
