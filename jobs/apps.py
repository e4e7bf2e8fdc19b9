from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from jobs import checks  # noqa: F401 - registers the start-up check of job kinds
