"""/ws/live/: at most LOCAL_MAX_VIEWERS viewers, counted across consumers and processes."""

import asyncio
import os
import subprocess
import sys
import textwrap

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.tests.test_chat_consumer import closed_with, receive
from enrollments.tests.factories import EnrollmentFactory
from mentorship.consumers import live_seat_take
from mentorship.models import LOCAL_MAX_VIEWERS, LiveClassAttendance
from mentorship.tests.factories import LiveClassFactory
from mentorship.tests.test_signalling import open_socket

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async


def live_class_with_students(count: int):
    live = LiveClassFactory(status="live", provider="local", started_at=timezone.now())
    students = []
    for _ in range(count):
        student = UserFactory()
        EnrollmentFactory(user=student, course=live.course)
        students.append(student)
    return live, students


async def test_live_ninth_viewer_is_refused_with_a_clear_frame_and_a_seat_frees_on_leave():
    live, students = await db(live_class_with_students)(LOCAL_MAX_VIEWERS + 1)
    host = await open_socket(f"/ws/live/{live.pk}/", live.host)
    await receive(host, "room.joined")
    viewers = []
    for student in students[:LOCAL_MAX_VIEWERS]:
        socket = await open_socket(f"/ws/live/{live.pk}/", student)
        assert (await receive(socket, "room.joined"))["payload"]["role"] == "viewer"
        viewers.append(socket)
    ninth = await open_socket(f"/ws/live/{live.pk}/", students[-1])
    refusal = await receive(ninth, "error")
    assert refusal["code"] == "live_class_full"
    assert "aws backend (IVS)" in refusal["message"]
    assert await closed_with(ninth) == 4403
    # the host is no viewer: it never takes a seat, however full the class
    second_host_tab = await open_socket(f"/ws/live/{live.pk}/", live.host)
    assert (await receive(second_host_tab, "room.joined"))["payload"]["role"] == "host"
    # one leaves: the next one gets in
    await viewers.pop().disconnect()
    retry = await open_socket(f"/ws/live/{live.pk}/", students[-1])
    assert (await receive(retry, "room.joined"))["payload"]["role"] == "viewer"
    attended = await db(LiveClassAttendance.objects.filter(live_class=live).count)()
    assert attended == LOCAL_MAX_VIEWERS + 1
    for socket in [*viewers, retry, host, second_host_tab]:
        await socket.disconnect()


async def test_live_seats_taken_by_another_process_count():
    """Another server process (a real one: a Python subprocess on the same Redis cache) takes
    every seat; a viewer connecting here is refused."""
    live, students = await db(live_class_with_students)(1)
    script = textwrap.dedent(
        f"""
        import asyncio, django
        django.setup()
        from mentorship.consumers import live_seat_take
        async def fill():
            return [await live_seat_take(live_class_id={live.pk}, peer_id=f"p{{n}}")
                    for n in range({LOCAL_MAX_VIEWERS + 1})]
        keys = asyncio.run(fill())
        assert all(keys[:-1]) and keys[-1] is None, keys
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kalpla.settings"}
    if "Redis" not in settings.CACHES["default"]["BACKEND"]:
        pytest.fail("the seat count across processes needs the Redis cache (REDIS_URL)")
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", script], env=env, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    socket = await open_socket(f"/ws/live/{live.pk}/", students[0])
    assert (await receive(socket, "error"))["code"] == "live_class_full"
    assert await closed_with(socket) == 4403


async def test_live_seat_take_is_atomic_under_concurrency():
    live = await db(LiveClassFactory)()
    keys = await asyncio.gather(
        *(live_seat_take(live_class_id=live.pk, peer_id=f"p{n}") for n in range(20))
    )
    taken = [key for key in keys if key]
    assert len(taken) == LOCAL_MAX_VIEWERS and len(set(taken)) == LOCAL_MAX_VIEWERS
