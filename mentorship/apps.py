from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self) -> None:
        from mentorship import kinds_live, tasks_live  # noqa: F401  (live: kinds, beat task)
