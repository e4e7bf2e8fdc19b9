from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self) -> None:
        # calendar: the reminder kind, invites on booking changes
        from mentorship import kinds_calendar, receivers_calendar  # noqa: F401
