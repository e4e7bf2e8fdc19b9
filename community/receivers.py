"""What the community app does when lower apps report changes: the course groups follow
courses (made with the course), enrollments (members come and go) and the courses'
instructors (owners come and go)."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from community.services.groups import course_group_member_sync, course_group_sync
from community.services.reports import report_keep
from courses.signals import instructors_changed, review_reported
from enrollments.signals import enrollment_changed


@receiver(enrollment_changed, dispatch_uid="community.course_group.enrollment_changed")
def _enrollment_changed(sender: Any, user_id: int, course_id: int, **kwargs: Any) -> None:
    # Sent after commit by the enrollments app.
    course_group_member_sync(course_id=course_id, user_id=user_id)


@receiver(instructors_changed, dispatch_uid="community.course_group.instructors_changed")
def _instructors_changed(sender: Any, course_id: int, user_ids: list[int], **kwargs: Any) -> None:
    # Sent after commit by the courses app: an instructor added is an owner of the group;
    # one removed stays as a member if enrolled, or leaves (their sockets there close).
    for user_id in user_ids:
        course_group_member_sync(course_id=course_id, user_id=user_id)


@receiver(review_reported, dispatch_uid="community.reports.review_reported")
def _review_reported(
    sender: Any, review: Any, reporter: Any, text: str, item: Any, **kwargs: Any
) -> None:
    # In the reporting transaction: the report and the queue item commit together.
    report_keep(reporter=reporter, target=review, reason="other", text=text, item=item)


# "courses.Course" by label: the model signal without importing another app's models.
@receiver(post_save, sender="courses.Course", dispatch_uid="community.course_group.created")
def _course_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        course_id = instance.pk
        # After commit: the course's first instructor is added after the course is saved.
        transaction.on_commit(lambda: course_group_sync(course_id=course_id))
