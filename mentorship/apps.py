from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self) -> None:
        # booking: notification kinds, the mentorship page's "upcoming sessions" part
        from mentorship import kinds_booking  # noqa: F401
        from mentorship.pages import MENTORSHIP_PAGE_PARTS
        from mentorship.views_booking import mentorship_sessions_part

        if mentorship_sessions_part not in MENTORSHIP_PAGE_PARTS:
            MENTORSHIP_PAGE_PARTS.append(mentorship_sessions_part)
