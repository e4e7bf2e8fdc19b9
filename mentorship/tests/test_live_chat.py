"""The class chat (wired in dashboards/live_class_chat.py): scheduling a class makes a channel
in the course's community group, its students can read it, and the class page embeds it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.selectors.chat import room_membership_get
from community.services.messages import message_send
from courses.tests.factories import CourseFactory
from dashboards.live_class_chat import live_class_chat_ensure
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import NotFound
from mentorship.services.live import live_class_schedule

pytestmark = pytest.mark.django_db


def test_live_class_scheduled_gets_a_chat_room_in_the_course_group(
    django_capture_on_commit_callbacks,
):
    host = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[host])
    student = EnrollmentFactory(course=course).user
    outsider = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        live = live_class_schedule(
            course=course,
            host=host,
            title="Sorting, live",
            starts_at=timezone.now() + timedelta(days=1),
        )
    live.refresh_from_db()
    assert live.chat_room_id is not None
    member = room_membership_get(room_id=live.chat_room_id, user=student)
    channel = member.room.channel
    assert channel.group.course_id == course.pk
    assert channel.name == f"live-{live.pk} Sorting, live"
    room_membership_get(room_id=live.chat_room_id, user=host)
    with pytest.raises(NotFound):
        room_membership_get(room_id=live.chat_room_id, user=outsider)
    # ensuring again keeps the same room
    assert live_class_chat_ensure(live_class=live) == live.chat_room_id

    # the class page shows the room's messages with the chat widget
    message_send(room=member.room, author=host, body="Welcome, everyone!", client_id="c1")
    client = Client()
    client.force_login(student)
    page = client.get(f"/live/{live.pk}/").content.decode()
    assert f'data-chat-room="{live.chat_room_id}"' in page
    assert "Welcome, everyone!" in page and "js/chat.js" in page
