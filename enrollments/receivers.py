"""What the enrollments app does when other apps report changes."""

from typing import Any

from django.dispatch import receiver

from courses.signals import lessons_changed


@receiver(lessons_changed, dispatch_uid="enrollments.progress.lessons_changed")
def _lessons_changed(sender: Any, course_id: int, **kwargs: Any) -> None:
    # Sent after commit by the courses app: recompute everyone's progress on Celery.
    from enrollments.tasks import course_progress_refresh_task

    course_progress_refresh_task.delay(course_id=course_id)
