from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self) -> None:
        # meetings: "Join" on the session page, the beat task ending meetings
        from mentorship import tasks_meetings  # noqa: F401
        from mentorship.pages import SESSION_PAGE_PARTS
        from mentorship.views_meetings import join_part

        if join_part not in SESSION_PAGE_PARTS:
            SESSION_PAGE_PARTS.append(join_part)
