from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The top layer: the signed-in home of each role and the demo data, which read from
    every app below (README, "Architecture")."""

    name = "dashboards"
    verbose_name = _("Dashboards")
