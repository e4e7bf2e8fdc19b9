from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The top layer: the signed-in home of each role and the demo data, which read from
    every app below (README, "Architecture")."""

    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # assignment due dates in mentorship's calendar feeds
        from dashboards.calendar_sources import assignment_due_dates
        from mentorship.selectors.calendar import calendar_feed_source_register

        calendar_feed_source_register(assignment_due_dates)
