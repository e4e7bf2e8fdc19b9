"""Live classes: schedule, change, start, end, cancel, recordings, stream keys, attendance and
reminders.

States: scheduled -> live -> ended; scheduled -> cancelled. The provider's channel (IVS with
``KALPLA_MEETINGS_BACKEND=aws``, local values otherwise) is made when the class is scheduled and
deleted once it ends or is cancelled. Every change sends ``live_class_changed`` on commit;
enrolled students are told when a class is scheduled, 15 minutes before it and when it goes live.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import user_is_staff
from courses.policies import course_is_instructor
from kalpla.exceptions import Conflict, PermissionDenied, Unavailable, ValidationError
from kalpla.integrations.base import IntegrationError
from kalpla.integrations.ivs import LiveChannel, get_live_video_provider
from mentorship.models import LiveClass, LiveClassAttendance
from mentorship.policies import live_class_can_manage
from mentorship.signals import live_class_changed

# The host may go live this long before the announced start; the reminder goes out then too.
START_EARLY = timedelta(minutes=15)
EDITABLE_FIELDS = ("title", "description", "starts_at", "duration_minutes")


def _changed(live: LiveClass, *, by: Any, change: str) -> None:
    transaction.on_commit(
        lambda: live_class_changed.send(sender=LiveClass, live_class=live, by=by, change=change)
    )


def _notify_later(live: LiveClass, *, kind: str) -> None:
    from mentorship.tasks_live import live_class_notify_task  # the task imports this module

    live_id = live.pk
    transaction.on_commit(lambda: live_class_notify_task.delay(live_class_id=live_id, kind=kind))


def _provider_call(call: Callable[[], LiveChannel]) -> LiveChannel:
    try:
        return call()
    except IntegrationError as exc:
        raise Unavailable(
            _("The live video service did not answer. Try again in a minute."),
            code="live_video_unavailable",
        ) from exc


def _channel_delete_later(live: LiveClass) -> None:
    """After commit, so a rolled-back change keeps its channel."""
    channel_id = live.channel_id
    if not channel_id:
        return

    def delete() -> None:
        try:
            get_live_video_provider().delete_channel(channel_id)
        except IntegrationError:
            # An orphan channel costs nothing while nobody streams to it; the class has ended.
            return

    transaction.on_commit(delete)


def _store_channel(live: LiveClass, channel: LiveChannel) -> None:
    live.provider = channel.provider
    live.channel_id = channel.channel_id
    live.ingest_url = channel.ingest_url
    live.stream_key = channel.stream_key
    live.playback_url = channel.playback_url


def host_only() -> PermissionDenied:
    """The refusal for what only the host (or staff) may do or see."""
    return PermissionDenied(
        _("Only the host of this class can do that."), code="not_live_class_host"
    )


def _require_manager(live: LiveClass, user: Any) -> None:
    if not live_class_can_manage(user=user, host_id=live.host_id):
        raise host_only()


def _require_status(live: LiveClass, *allowed: str, message: str) -> None:
    if live.status not in allowed:
        raise Conflict(message, code=f"live_class_{live.status}")


def _locked(live: LiveClass) -> LiveClass:
    """The row again, locked, so two clicks on "Start" cannot both pass the state check."""
    return LiveClass.objects.select_for_update().select_related("course", "host").get(pk=live.pk)


def _require_future(starts_at: datetime) -> None:
    if starts_at <= timezone.now():
        message = _("Pick a start time in the future.")
        raise ValidationError(message, errors={"starts_at": [message]})


def _managed(live_class: LiveClass, by: Any, *allowed: str, message: str) -> LiveClass:
    """The class locked, for its host (or staff), in one of the ``allowed`` states."""
    live = _locked(live_class)
    _require_manager(live, by)
    _require_status(live, *allowed, message=message)
    return live


def live_class_schedule(
    *,
    course: Any,
    host: Any,
    title: str,
    description: str = "",
    starts_at: datetime,
    duration_minutes: int = 60,
) -> LiveClass:
    """Schedule a class: the host teaches the course (or is staff); starts in the future."""
    if not (course_is_instructor(user=host, course=course) or user_is_staff(host)):
        raise PermissionDenied(
            _("Only the course's instructors can schedule its live classes."),
            code="not_course_instructor",
        )
    _require_future(starts_at)
    live = LiveClass(
        course=course,
        host=host,
        title=title.strip(),
        description=description.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
    )
    live.full_clean(exclude=["provider", "channel_id", "ingest_url", "stream_key", "playback_url"])
    channel = _provider_call(
        lambda: get_live_video_provider().create_channel(name=f"kalpla-{course.pk}-{title}")
    )
    _store_channel(live, channel)
    try:
        with transaction.atomic():
            live.save()
            _changed(live, by=host, change="scheduled")
            _notify_later(live, kind="scheduled")
    except Exception:
        get_live_video_provider().delete_channel(channel.channel_id)
        raise
    return live


@transaction.atomic
def live_class_update(*, live_class: LiveClass, by: Any, **changes: Any) -> LiveClass:
    """Change title, description, start or length of a scheduled class. A new start time
    means a new reminder."""
    live = _managed(
        live_class,
        by,
        LiveClass.Status.SCHEDULED,
        message=_("Only a scheduled class can be changed."),
    )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed."),
            errors={name: [_("This field cannot be changed.")] for name in sorted(unknown)},
        )
    starts_at = changes.get("starts_at")
    if starts_at is not None and starts_at != live.starts_at:
        _require_future(starts_at)
        live.reminded_at = None
    for name, value in changes.items():
        setattr(live, name, value.strip() if isinstance(value, str) else value)
    live.full_clean()
    live.save()
    _changed(live, by=by, change="updated")
    return live


@transaction.atomic
def live_class_cancel(*, live_class: LiveClass, by: Any) -> LiveClass:
    live = _managed(
        live_class,
        by,
        LiveClass.Status.SCHEDULED,
        message=_("Only a class that has not started can be cancelled; end a live one."),
    )
    live.status = LiveClass.Status.CANCELLED
    live.save(update_fields=["status", "updated_at"])
    _channel_delete_later(live)
    _changed(live, by=by, change="cancelled")
    _notify_later(live, kind="cancelled")
    return live


@transaction.atomic
def live_class_start(*, live_class: LiveClass, by: Any, now: datetime | None = None) -> LiveClass:
    """Only the host goes live, from START_EARLY before the announced start."""
    live = _locked(live_class)
    if by.pk != live.host_id or not live_class_can_manage(user=by, host_id=live.host_id):
        raise PermissionDenied(_("Only the host can start this class."), code="not_host")
    _require_status(
        live, LiveClass.Status.SCHEDULED, message=_("This class is not waiting to start.")
    )
    now = now or timezone.now()
    if now < live.starts_at - START_EARLY:
        raise Conflict(
            _("You can go live from 15 minutes before the start."), code="live_class_too_early"
        )
    live.status = LiveClass.Status.LIVE
    live.started_at = now
    live.save(update_fields=["status", "started_at", "updated_at"])
    _changed(live, by=by, change="live")
    _notify_later(live, kind="live")
    return live


@transaction.atomic
def live_class_end(*, live_class: LiveClass, by: Any, now: datetime | None = None) -> LiveClass:
    """End a live class; its channel is deleted once this commits."""
    live = _managed(
        live_class, by, LiveClass.Status.LIVE, message=_("Only a live class can be ended.")
    )
    live.status = LiveClass.Status.ENDED
    live.ended_at = now or timezone.now()
    live.save(update_fields=["status", "ended_at", "updated_at"])
    _channel_delete_later(live)
    _changed(live, by=by, change="ended")
    return live


@transaction.atomic
def live_class_set_recording(*, live_class: LiveClass, by: Any, url: str) -> LiveClass:
    live = _managed(
        live_class,
        by,
        LiveClass.Status.ENDED,
        message=_("Add a recording once the class has ended."),
    )
    live.recording_url = url.strip()
    live.full_clean()
    live.save(update_fields=["recording_url", "updated_at"])
    _changed(live, by=by, change="updated")
    return live


@transaction.atomic
def live_class_stream_key_regenerate(*, live_class: LiveClass, by: Any) -> LiveClass:
    """A new stream key; the old one stops working (with IVS, a broadcast using it stops)."""
    live = _managed(
        live_class,
        by,
        LiveClass.Status.SCHEDULED,
        LiveClass.Status.LIVE,
        message=_("This class is over: it has no stream key any more."),
    )
    provider = get_live_video_provider()
    name = f"kalpla-{live.course_id}-{live.title}"
    if live.channel_id:
        channel = _provider_call(
            lambda: provider.rotate_stream_key(channel_id=live.channel_id, name=name)
        )
    else:
        channel = _provider_call(lambda: provider.create_channel(name=name))
    _store_channel(live, channel)
    live.save()
    _changed(live, by=by, change="updated")
    return live


@transaction.atomic
def live_class_chat_room_set(*, live_class: LiveClass, room_id: int) -> LiveClass:
    """Link the class's community chat room (made by the top layer, which knows community)."""
    LiveClass.objects.filter(pk=live_class.pk).update(chat_room_id=room_id)
    live_class.chat_room_id = room_id
    return live_class


def live_class_attend(*, live_class: LiveClass, user: Any) -> LiveClassAttendance:
    """Record that ``user`` watched (first join kept, last seen moved). Callers have checked
    that the user may watch; only a live class counts."""
    if live_class.status != LiveClass.Status.LIVE:
        raise Conflict(_("This class is not live."), code=f"live_class_{live_class.status}")
    if user.pk == live_class.host_id:
        raise ValidationError(_("The host does not attend their own class."), code="host")
    attendance, created = LiveClassAttendance.objects.get_or_create(
        live_class_id=live_class.pk, user_id=user.pk
    )
    if not created:
        attendance.save(update_fields=["last_seen_at"])  # auto_now
    return attendance


def live_class_viewer_attend(*, live_class_id: int, user: Any) -> LiveClassAttendance | None:
    """Attendance of a viewer the signalling socket admitted: recorded only while the class
    is live (a viewer may wait in the room before the start)."""
    live = LiveClass.objects.filter(pk=live_class_id).first()
    if live is None or live.status != LiveClass.Status.LIVE or user.pk == live.host_id:
        return None
    return live_class_attend(live_class=live, user=user)
