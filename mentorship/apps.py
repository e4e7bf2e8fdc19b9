from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self) -> None:
        # progress: notification kinds, the completion beat task, session/mentorship page parts
        from mentorship import kinds_progress, parts_progress, tasks_progress  # noqa: F401

        parts_progress.register()
