"""Turns changes of a course's instructors (the ``Course.instructors`` many-to-many, changed
from either side, from anywhere) into ``courses.signals.instructors_changed``, sent once the
transaction commits, for the apps that follow a course's teachers."""

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from courses.models import Course
from courses.signals import instructors_changed

_CLEARING = "_instructors_clearing"


def _send_on_commit(course_id: int, user_ids: list[int]) -> None:
    if not user_ids:
        return
    transaction.on_commit(
        lambda: instructors_changed.send_robust(
            sender=Course, course_id=course_id, user_ids=sorted(user_ids)
        )
    )


@receiver(m2m_changed, sender=Course.instructors.through, dispatch_uid="courses.instructors")
def _instructors_m2m(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action == "pre_clear":
        # post_clear does not say who was there: remember it now.
        through = Course.instructors.through.objects
        if reverse:
            pairs = through.filter(user_id=instance.pk).values_list("course_id", "user_id")
        else:
            pairs = through.filter(course_id=instance.pk).values_list("course_id", "user_id")
        setattr(instance, _CLEARING, list(pairs))
        return
    if action == "post_clear":
        by_course: dict[int, list[int]] = {}
        for course_id, user_id in getattr(instance, _CLEARING, []):
            by_course.setdefault(course_id, []).append(user_id)
        for course_id, user_ids in by_course.items():
            _send_on_commit(course_id, user_ids)
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    if reverse:  # user.taught_courses.add(course, ...): pk_set holds course ids
        for course_id in pk_set:
            _send_on_commit(course_id, [instance.pk])
    else:
        _send_on_commit(instance.pk, list(pk_set))
