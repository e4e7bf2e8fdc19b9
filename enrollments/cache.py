"""The student dashboard's "Continue learning" list, rendered once per change of it.

The rendered list is cached per student and language under the version of the student's
scope; every save or delete of one of their enrollments (enroll, unenroll, progress,
completion) and every lesson they open moves the version on. Course titles and "5 minutes
ago" may be up to ``LEARNING_TTL`` seconds late.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language

from enrollments.models import Enrollment
from kalpla.cache import cache_version, cache_version_bump_on_commit

LEARNING_TTL = 60


def _scope(user_id: int) -> str:
    return f"learning:user:{user_id}"


def learning_list_invalidate(*, user_id: int) -> None:
    cache_version_bump_on_commit(_scope(user_id))


def learning_lists_invalidate(*, user_ids: list[int]) -> None:
    """Many students at once (progress recomputed for a whole course with ``update()``)."""
    if user_ids:
        cache_version_bump_on_commit(*(_scope(user_id) for user_id in user_ids))


def learning_cached(
    *, user_id: int, part: str, build: Callable[[], Any], timeout: int = LEARNING_TTL
) -> Any:
    """``build()``'s result for this student, cached until their enrollments change."""
    version = cache_version(_scope(user_id))
    key = f"learning:{part}:{user_id}:{version}:{get_language() or 'en'}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=timeout)
    return value


def learning_list_html(*, user_id: int, render: Callable[[], str]) -> str:
    """The student's rendered list, from the cache or from ``render()`` (then cached)."""
    return str(learning_cached(user_id=user_id, part="list", build=lambda: str(render())))


@receiver(post_save, sender=Enrollment, dispatch_uid="enrollments.learning.saved")
@receiver(post_delete, sender=Enrollment, dispatch_uid="enrollments.learning.deleted")
def _enrollment_changed(sender: type[Enrollment], instance: Enrollment, **kwargs: Any) -> None:
    learning_list_invalidate(user_id=instance.user_id)
