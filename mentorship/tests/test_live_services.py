"""Live-class services: who may schedule, start and end; states; stream keys; attendance;
reminders exactly once; notifications to enrolled students."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from mentorship.models import LiveClass, LiveClassAttendance
from mentorship.services import live as services
from mentorship.services import live_notices
from mentorship.signals import live_class_changed
from mentorship.tests.factories import LiveClassFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def schedule(course, host, **extra):
    values = {
        "title": "Loops, live",
        "description": "Bring questions.",
        "starts_at": timezone.now() + timedelta(days=1),
        "duration_minutes": 45,
        **extra,
    }
    return services.live_class_schedule(course=course, host=host, **values)


def live_now(**extra) -> LiveClass:
    return LiveClassFactory(
        status=LiveClass.Status.LIVE, started_at=timezone.now(), provider="local", **extra
    )


def test_live_class_schedule_by_instructor_stores_local_channel_and_tells_students(
    django_capture_on_commit_callbacks,
):
    host = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[host])
    student = EnrollmentFactory(course=course).user
    outsider = UserFactory()
    seen = []
    live_class_changed.connect(lambda **kw: seen.append(kw["change"]), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            live = schedule(course, host)
    finally:
        live_class_changed.disconnect(dispatch_uid="t")
    live.refresh_from_db()
    assert live.status == "scheduled" and live.provider == "local"
    assert live.channel_id.startswith("local-") and live.stream_key.startswith("local_sk_")
    assert live.ingest_url and live.playback_url
    assert seen == ["scheduled"]
    told = Notification.objects.filter(kind="mentorship.live_class_scheduled")
    assert list(told.values_list("recipient_id", flat=True)) == [student.pk]
    assert not told.filter(recipient=outsider).exists()


def test_live_class_schedule_refuses_non_instructors_and_past_starts():
    course = CourseFactory()
    with pytest.raises(PermissionDenied):
        schedule(course, UserFactory(roles=("Mentor",)))
    host = UserFactory(roles=("Mentor",))
    course.instructors.add(host)
    with pytest.raises(ValidationError) as info:
        schedule(course, host, starts_at=timezone.now() - timedelta(minutes=1))
    assert "starts_at" in info.value.errors
    assert not LiveClass.objects.exists()


def test_live_class_schedule_by_staff_for_any_course():
    staff = UserFactory(roles=("Admin",))
    live = schedule(CourseFactory(), staff)
    assert live.host == staff


def test_live_class_schedule_validates_fields():
    host = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[host])
    with pytest.raises(Exception) as info:
        schedule(course, host, duration_minutes=5)
    assert "duration_minutes" in str(info.value)


def test_live_class_start_only_host_and_from_15_minutes_before():
    live = LiveClassFactory(starts_at=timezone.now() + timedelta(minutes=30))
    staff = UserFactory(roles=("Admin",))
    with pytest.raises(PermissionDenied):
        services.live_class_start(live_class=live, by=staff)
    with pytest.raises(Conflict) as info:
        services.live_class_start(live_class=live, by=live.host)
    assert info.value.code == "live_class_too_early"
    soon = timezone.now() + timedelta(minutes=16)
    started = services.live_class_start(live_class=live, by=live.host, now=soon)
    assert started.status == "live" and started.started_at == soon
    with pytest.raises(Conflict):
        services.live_class_start(live_class=live, by=live.host, now=soon)


def test_live_class_start_tells_students_it_is_live(django_capture_on_commit_callbacks):
    live = LiveClassFactory(starts_at=timezone.now() + timedelta(minutes=5))
    student = EnrollmentFactory(course=live.course).user
    with django_capture_on_commit_callbacks(execute=True):
        services.live_class_start(live_class=live, by=live.host)
    note = Notification.objects.get(kind="mentorship.live_class_live")
    assert note.recipient == student and note.url == f"/live/{live.pk}/"


def test_live_class_end_then_recording_and_no_more_changes(django_capture_on_commit_callbacks):
    live = live_now()
    with pytest.raises(Conflict):
        services.live_class_set_recording(live_class=live, by=live.host, url="https://x.test/r")
    with pytest.raises(PermissionDenied):
        services.live_class_end(live_class=live, by=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        ended = services.live_class_end(live_class=live, by=live.host)
    assert ended.status == "ended" and ended.ended_at is not None
    services.live_class_set_recording(live_class=live, by=live.host, url="https://x.test/rec")
    live.refresh_from_db()
    assert live.recording_url == "https://x.test/rec"
    with pytest.raises(Exception) as info:
        services.live_class_set_recording(live_class=live, by=live.host, url="not a url")
    assert "recording_url" in str(info.value)
    for action in (services.live_class_cancel, services.live_class_stream_key_regenerate):
        with pytest.raises(Conflict):
            action(live_class=live, by=live.host)


def test_live_class_update_and_cancel():
    live = LiveClassFactory(reminded_at=timezone.now())
    later = timezone.now() + timedelta(days=3)
    with pytest.raises(PermissionDenied):
        services.live_class_update(live_class=live, by=UserFactory(), title="x")
    with pytest.raises(ValidationError):
        services.live_class_update(live_class=live, by=live.host, status="live")
    updated = services.live_class_update(
        live_class=live, by=live.host, title="  New title ", starts_at=later
    )
    assert updated.title == "New title" and updated.starts_at == later
    assert updated.reminded_at is None  # a new start, a new reminder
    cancelled = services.live_class_cancel(live_class=live, by=live.host)
    assert cancelled.status == "cancelled"
    with pytest.raises(Conflict):
        services.live_class_update(live_class=live, by=live.host, title="y")


def test_live_class_stream_key_regenerate_local_gives_a_new_key():
    live = LiveClassFactory(provider="local", channel_id="local-abc", stream_key="local_sk_old")
    services.live_class_stream_key_regenerate(live_class=live, by=live.host)
    live.refresh_from_db()
    assert live.stream_key.startswith("local_sk_") and live.stream_key != "local_sk_old"
    assert live.channel_id == "local-abc"
    with pytest.raises(PermissionDenied):
        services.live_class_stream_key_regenerate(live_class=live, by=UserFactory())


def test_live_class_attend_upserts_one_row_per_viewer():
    live = live_now()
    viewer = EnrollmentFactory(course=live.course).user
    first = services.live_class_attend(live_class=live, user=viewer)
    again = services.live_class_attend(live_class=live, user=viewer)
    assert first.pk == again.pk and again.last_seen_at >= first.last_seen_at
    assert LiveClassAttendance.objects.filter(live_class=live).count() == 1
    with pytest.raises(ValidationError):
        services.live_class_attend(live_class=live, user=live.host)
    scheduled = LiveClassFactory()
    with pytest.raises(Conflict):
        services.live_class_attend(live_class=scheduled, user=viewer)
    assert services.live_class_viewer_attend(live_class_id=scheduled.pk, user=viewer) is None


def test_live_class_remind_due_sends_each_reminder_once(django_capture_on_commit_callbacks):
    now = timezone.now()
    soon = LiveClassFactory(starts_at=now + timedelta(minutes=10))
    LiveClassFactory(starts_at=now + timedelta(hours=2))  # not yet
    LiveClassFactory(starts_at=now + timedelta(minutes=5), status="cancelled")
    students = [EnrollmentFactory(course=soon.course).user for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        assert live_notices.live_class_remind_due(now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert live_notices.live_class_remind_due(now=now + timedelta(minutes=1)) == 0
    soon.refresh_from_db()
    assert soon.reminded_at == now
    reminders = Notification.objects.filter(kind="mentorship.live_class_reminder")
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(
        s.pk for s in students
    )
    # a retried notification task tells nobody twice
    assert live_notices.live_class_notify(live_class_id=soon.pk, kind="reminder") == 2
    assert reminders.count() == 2


def test_live_class_remind_task_runs_the_sweep():
    from mentorship.tasks_live import live_class_remind_task

    LiveClassFactory(starts_at=timezone.now() + timedelta(minutes=3))
    assert live_class_remind_task.delay().get() == 1


@pytest.mark.parametrize("kind", ["scheduled", "reminder", "live", "cancelled"])
def test_live_class_notifications_render_in_app_and_email(kind, django_capture_on_commit_callbacks):
    from notifications.services.email import notification_email_render

    live = LiveClassFactory(title="Graphs, live")
    student = EnrollmentFactory(course=live.course).user
    live_notices.live_class_notify(live_class_id=live.pk, kind=kind)
    note = Notification.objects.get(kind=f"mentorship.live_class_{kind}", recipient=student)
    assert "Graphs, live" in note.title and note.body
    email = notification_email_render(note, student)
    assert "Graphs, live" in email.subject and "{{" not in email.text
