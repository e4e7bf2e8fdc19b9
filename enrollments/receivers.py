"""What the enrollments app does when other apps report changes."""

from typing import TYPE_CHECKING, Any

from django.dispatch import receiver

from courses.signals import lessons_became_visible, lessons_changed

if TYPE_CHECKING:
    from courses.models import Lesson


@receiver(lessons_changed, dispatch_uid="enrollments.progress.lessons_changed")
def _lessons_changed(sender: Any, course_id: int, **kwargs: Any) -> None:
    # Sent after commit by the courses app: recompute everyone's progress on Celery.
    from enrollments.tasks import course_progress_refresh_task

    course_progress_refresh_task.delay(course_id=course_id)


@receiver(lessons_became_visible, dispatch_uid="enrollments.announce.lessons_became_visible")
def _lessons_became_visible(
    sender: Any, course_id: int, lessons: list["Lesson"], **kwargs: Any
) -> None:
    # Sent inside the courses app's claim: an error here leaves the lessons to the next run.
    from enrollments.announcements import lessons_announce_to_students

    lessons_announce_to_students(course_id=course_id, lessons=lessons)
