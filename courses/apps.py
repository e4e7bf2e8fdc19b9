from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # Notification kinds, file link kinds, moderation targets and the job kinds the Celery
        # worker must know.
        from courses import (
            cache,  # noqa: F401  (cache invalidation signals)
            file_links,
            kinds,  # noqa: F401
            moderation,
        )
        from jobs.registry import job_kinds_register

        moderation.register()
        file_links.register()
        # Handlers by dotted path (courses/jobs.py): imported when a job first runs.
        job_kinds_register(
            {
                "courses.lesson_media": "courses.jobs.lesson_media_job",
                "courses.lesson_narration": "courses.jobs.lesson_narration_job",
                "courses.cover_thumbnails": "courses.jobs.course_cover_thumbnails_job",
                "courses.review_sentiment": "courses.jobs.review_sentiment_job",
            }
        )
