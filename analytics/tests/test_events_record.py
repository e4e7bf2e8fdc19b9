import pytest

from accounts.tests.factories import UserFactory
from activity.tracking import track
from activity.verbs import Verb
from analytics.models import Event
from courses.tests.factories import LessonFactory

pytestmark = pytest.mark.django_db


def test_track_stores_one_event_on_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    lesson = LessonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        event = track(
            actor=user,
            verb=Verb.LESSON_COMPLETED,
            object=lesson,
            context={"course": lesson.module.course},
            result={"completion": True},
        )
    row = Event.objects.get()
    assert row.event_id == event.event_id
    assert (row.actor_id, row.verb, row.object_type, row.object_id) == (
        user.pk,
        "lesson_completed",
        "lesson",
        lesson.pk,
    )
    assert row.course_id == lesson.module.course_id
    assert row.result == {"completion": True}


def test_repeated_event_id_is_stored_once(django_capture_on_commit_callbacks):
    from analytics.services.events import event_record

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        event = track(actor=user, verb=Verb.LOGGED_IN, object=user)
    event_record(event=event)
    assert Event.objects.count() == 1
