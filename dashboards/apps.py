from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The top layer: the signed-in home of each role and the demo data, which read from
    every app below (README, "Architecture")."""

    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # Wiring between sibling apps, which may not import each other.
        from dashboards.calendar_sources import assignment_due_dates
        from dashboards.live_class_chat import live_class_chat_part, on_live_class_changed
        from mentorship.selectors.calendar import calendar_feed_source_register
        from mentorship.signals import live_class_changed
        from mentorship.views_live import LIVE_CLASS_PAGE_PARTS

        # Assignment due dates in mentorship's calendar feeds.
        calendar_feed_source_register(assignment_due_dates)
        # Live classes: a chat room per class in the course's group, shown on the class page.
        live_class_changed.connect(on_live_class_changed, dispatch_uid="live_class_chat")
        if live_class_chat_part not in LIVE_CLASS_PAGE_PARTS:
            LIVE_CLASS_PAGE_PARTS.append(live_class_chat_part)
