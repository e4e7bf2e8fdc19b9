from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # Notification kinds, file link kinds, and the media job handlers the Celery worker
        # must know.
        from courses import (
            cache,  # noqa: F401  (cache invalidation signals)
            file_links,
            kinds,  # noqa: F401
            moderation,
        )
        from courses.services import (
            media,  # noqa: F401
            reviews,  # noqa: F401  (job courses.review_sentiment)
        )

        moderation.register()
        file_links.register()
