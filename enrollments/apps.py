from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentsConfig(AppConfig):
    name = "enrollments"
    verbose_name = _("Enrollments")

    def ready(self) -> None:
        from enrollments import (  # noqa: F401 - signal receivers, notification kinds
            cache,
            kinds,
            receivers,
        )
        from enrollments.cohorts import waitlist  # noqa: F401 - promotes when a seat frees
