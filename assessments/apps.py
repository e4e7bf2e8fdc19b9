from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # notification kinds; signal receivers (certificates on completion and on grades)
        from assessments import (  # noqa: F401
            kinds,
            receivers,
        )
        from assessments.badges import checks  # noqa: F401  (the badge signing key)
