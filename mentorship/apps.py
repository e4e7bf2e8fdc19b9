from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self) -> None:
        # Each area's notification kinds, Celery tasks and receivers (imported to register).
        from mentorship import (  # noqa: F401
            cache,
            kinds_booking,
            kinds_calendar,
            kinds_directory,
            kinds_live,
            kinds_progress,
            parts_progress,
            receivers_calendar,
            tasks_live,
            tasks_meetings,
            tasks_progress,
        )
        from mentorship.pages import MENTORSHIP_PAGE_PARTS, SESSION_PAGE_PARTS
        from mentorship.pages_calendar import session_calendar_part
        from mentorship.receivers_meetings import meeting_end_on_session_change
        from mentorship.signals import session_changed
        from mentorship.views_booking import mentorship_sessions_part
        from mentorship.views_meetings import join_part

        # meetings end at once when their session is cancelled or moved
        session_changed.connect(meeting_end_on_session_change, dispatch_uid="meetings-end")
        # the shared pages' parts (mentorship/pages.py): "Join" and "Add to calendar" on the
        # session page, upcoming sessions on the mentorship page, then progress on both
        for part in (join_part, session_calendar_part):
            if part not in SESSION_PAGE_PARTS:
                SESSION_PAGE_PARTS.append(part)
        if mentorship_sessions_part not in MENTORSHIP_PAGE_PARTS:
            MENTORSHIP_PAGE_PARTS.append(mentorship_sessions_part)
        parts_progress.register()
