"""What live classes tell the course's students: scheduled, live, cancelled, and the reminder
15 minutes before. Queued by the live-class services (through tasks_live) and by the beat's
reminder sweep; kept apart from them so the tasks import this module only."""

from datetime import UTC, datetime, timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollments.selectors import course_student_ids
from kalpla.exceptions import NotFound
from mentorship.models import LiveClass
from notifications.services.notify import notify

REMINDER_BEFORE = timedelta(minutes=15)


def live_class_remind_due(*, now: datetime | None = None) -> int:
    """Queue the reminder of every scheduled class starting within REMINDER_BEFORE that has
    none yet; each class is reminded once (``reminded_at`` under the row lock). Returns how
    many were queued."""
    now = now or timezone.now()
    due = LiveClass.objects.filter(
        status=LiveClass.Status.SCHEDULED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    queued = 0
    for live_id in list(due):
        with transaction.atomic():
            live = (
                LiveClass.objects.select_for_update(skip_locked=True)
                .filter(pk=live_id, reminded_at__isnull=True, status=LiveClass.Status.SCHEDULED)
                .first()
            )
            if live is None:
                continue
            live.reminded_at = now
            live.save(update_fields=["reminded_at", "updated_at"])
            transaction.on_commit(
                partial(live_class_notify, live_class_id=live.pk, kind="reminder")
            )
            queued += 1
    return queued


def live_class_notify(*, live_class_id: int, kind: str) -> int:
    """Tell the course's enrolled students (not the host) about the class: ``kind`` is
    "scheduled", "reminder", "live" or "cancelled". Returns how many were told; a retry (or a
    second reminder for the same start) tells nobody twice."""
    live = LiveClass.objects.select_related("course", "host").filter(pk=live_class_id).first()
    if live is None:
        raise NotFound(_("No such live class."))
    student_ids = set(course_student_ids(course_id=live.course_id)) - {live.host_id}
    if not student_ids:
        return 0
    recipients = list(get_user_model().objects.filter(pk__in=student_ids, is_active=True))
    notify(
        recipients=recipients,
        kind=f"mentorship.live_class_{kind}",
        context={
            "title": live.title,
            "course_title": live.course.title,
            "host_name": live.host.get_full_name() or live.host.get_username(),
            "starts_at": live.starts_at,
            # the channels cannot know each reader's zone: say which one this is
            "starts_label": live.starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
        url=reverse("mentorship:live_class", args=[live.pk]),
        dedupe_key=f"live_class:{live.pk}:{kind}:{live.starts_at.isoformat()}",
    )
    return len(recipients)
