from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self) -> None:
        # calendar: the reminder kind, invites on booking changes
        from mentorship import kinds_calendar, receivers_calendar  # noqa: F401
        from mentorship.pages import SESSION_PAGE_PARTS
        from mentorship.pages_calendar import session_calendar_part

        if session_calendar_part not in SESSION_PAGE_PARTS:
            SESSION_PAGE_PARTS.append(session_calendar_part)
        # progress: notification kinds, the completion beat task, session/mentorship page parts
        from mentorship import kinds_progress, parts_progress, tasks_progress  # noqa: F401

        parts_progress.register()
