from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # Cache invalidation signals, the courses' notification kinds and moderation targets.
        # (Its file link kinds and job kinds are named in settings: KALPLA_FILE_LINK_KINDS,
        # KALPLA_JOB_KINDS.)
        from courses import (
            cache,  # noqa: F401  (cache invalidation signals)
            checks,  # noqa: F401  (start-up check of the lesson activities settings name)
            instructors,  # noqa: F401  (instructors_changed from the many-to-many changes)
            kinds,  # noqa: F401
            moderation,
        )

        moderation.register()
