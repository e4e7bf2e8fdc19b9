"""Reads of live classes: the lists of "my" classes, one class for a viewer, attendance."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from courses.policies import course_is_instructor
from courses.selectors.authoring import teach_course_list
from enrollments.selectors import course_students_query, enrollment_list
from kalpla.exceptions import NotFound
from mentorship.models import LiveClass, LiveClassAttendance
from mentorship.policies import live_class_can_manage, live_class_can_watch

ACTIVE_STATUSES = (LiveClass.Status.SCHEDULED, LiveClass.Status.LIVE)


def _my_course_ids(user: Any) -> list[int]:
    """Courses the user studies or teaches (two queries)."""
    enrolled = list(enrollment_list(user=user).values_list("course_id", flat=True))
    teaching = list(teach_course_list(user=user).values_list("id", flat=True))
    return sorted({*enrolled, *teaching})


def live_class_list(
    *, user: Any, course_id: int | None = None, status: str | None = None
) -> QuerySet[LiveClass]:
    """Classes the user hosts or may watch (enrolled, or teaching the course), soonest first."""
    rows = LiveClass.objects.filter(
        Q(host_id=user.pk) | Q(course_id__in=_my_course_ids(user))
    ).select_related("course", "host")
    if course_id is not None:
        rows = rows.filter(course_id=course_id)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("starts_at", "pk")


def live_class_upcoming_and_recent(*, user: Any, recent: int = 10) -> dict[str, list[LiveClass]]:
    """The /live/ page: live now and scheduled (soonest first), then the latest ended or
    cancelled ones (newest first)."""
    mine = live_class_list(user=user)
    return {
        "upcoming": list(
            mine.filter(status__in=ACTIVE_STATUSES).order_by(
                "status", "starts_at", "pk"
            )  # "live" sorts first[:50]
        ),
        "recent": list(mine.exclude(status__in=ACTIVE_STATUSES).order_by("-starts_at")[:recent]),
    }


@dataclass(frozen=True)
class LiveClassView:
    """One class as ``user`` sees it: ``manage`` (host or staff: stream key, controls)."""

    live: LiveClass
    manage: bool
    is_host: bool


def live_class_get_for_user(*, live_class_id: int, user: Any) -> LiveClassView:
    """The class if the user may watch or manage it; NotFound otherwise (no hint it exists)."""
    live = LiveClass.objects.select_related("course", "host").filter(pk=live_class_id).first()
    if live is None:
        raise NotFound(_("No such live class."))
    manage = live_class_can_manage(user=user, host_id=live.host_id)
    if not manage:
        watch = live_class_can_watch(
            user=user,
            host_id=live.host_id,
            is_enrolled=course_students_query(course_id=live.course_id, user_id=user.pk).exists(),
            teaches=course_is_instructor(user=user, course=live.course),
        )
        if not watch:
            raise NotFound(_("No such live class."))
    return LiveClassView(live=live, manage=manage, is_host=user.pk == live.host_id)


def live_class_attendance_list(*, live_class: LiveClass) -> QuerySet[LiveClassAttendance]:
    return (
        LiveClassAttendance.objects.filter(live_class_id=live_class.pk)
        .select_related("user")
        .order_by("joined_at", "pk")
    )
