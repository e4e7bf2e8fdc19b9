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
        # meetings: "Join" on the session page, the tasks ending meetings (after the session,
        # or at once when it is cancelled or moved)
        from mentorship import tasks_meetings  # noqa: F401
        from mentorship.pages import SESSION_PAGE_PARTS
        from mentorship.receivers_meetings import meeting_end_on_session_change
        from mentorship.signals import session_changed
        from mentorship.views_meetings import join_part

        session_changed.connect(meeting_end_on_session_change, dispatch_uid="meetings-end")
        if join_part not in SESSION_PAGE_PARTS:
            SESSION_PAGE_PARTS.append(join_part)
        # One line per area: its notification kinds, receivers and page parts.
        from mentorship import kinds_directory  # noqa: F401
        # booking: notification kinds, the mentorship page's "upcoming sessions" part
        from mentorship import kinds_booking  # noqa: F401
        from mentorship.pages import MENTORSHIP_PAGE_PARTS
        from mentorship.views_booking import mentorship_sessions_part

        if mentorship_sessions_part not in MENTORSHIP_PAGE_PARTS:
            MENTORSHIP_PAGE_PARTS.append(mentorship_sessions_part)
