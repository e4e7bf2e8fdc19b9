"""What retires the student dashboard's cached parts (read by ``enrollments.selectors``).

They are cached per student and language under the version of the student's scope; every
save or delete of one of their enrollments (enroll, unenroll, progress, completion) and every
lesson they open moves the version on. Course titles and "5 minutes ago" may be up to
``LEARNING_TTL`` seconds late.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from enrollments.models import Cohort, Enrollment
from kalpla.cache import cache_version_bump_on_commit

LEARNING_TTL = 60


def learning_scope(user_id: int) -> str:
    return f"learning:user:{user_id}"


def learning_list_invalidate(*, user_id: int) -> None:
    cache_version_bump_on_commit(learning_scope(user_id))


def learning_lists_invalidate(*, user_ids: list[int]) -> None:
    """Many students at once (progress recomputed for a whole course with ``update()``)."""
    if user_ids:
        cache_version_bump_on_commit(*(learning_scope(user_id) for user_id in user_ids))


@receiver(post_save, sender=Enrollment, dispatch_uid="enrollments.learning.saved")
@receiver(post_delete, sender=Enrollment, dispatch_uid="enrollments.learning.deleted")
def _enrollment_changed(sender: type[Enrollment], instance: Enrollment, **kwargs: Any) -> None:
    learning_list_invalidate(user_id=instance.user_id)


@receiver(post_save, sender=Cohort, dispatch_uid="enrollments.learning.cohort_saved")
def _cohort_changed(sender: type[Cohort], instance: Cohort, created: bool, **kwargs: Any) -> None:
    """A cohort's dates time its students' lessons: their cached enrollments carry it."""
    if not created:
        learning_lists_invalidate(
            user_ids=list(
                Enrollment.objects.filter(cohort=instance).values_list("user_id", flat=True)
            )
        )
