"""The Django side of the chat suite (bench/chat.py), run in a child with the bench
environment: ``python -m bench.chat_steps seed OUT.json FANOUT ROOMS ROOM_SIZE`` makes the
rooms and signed-in sessions; ``python -m bench.chat_steps count OUT.json ROOM_ID...`` counts
the messages stored in those rooms.
"""

import json
import sys
from pathlib import Path
from typing import Any

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.prepare import session_for  # noqa: E402
from community.models import Message  # noqa: E402
from community.services.groups import group_create, group_member_add  # noqa: E402


def _users(prefix: str, count: int) -> list[User]:
    """People who never sign in with a password (sessions are made for them)."""
    made = User.objects.bulk_create(
        User(email=f"{prefix}-{n}@bench.kalpla.test", name=f"{prefix} {n}", password="!")
        for n in range(count)
    )
    return list(User.objects.filter(pk__in=[u.pk for u in made]).order_by("pk"))


@transaction.atomic
def _room(name: str, members: list[User]) -> dict[str, Any]:
    """A topic group of ``members`` (the first owns it); its general room and sessions."""
    group = group_create(name=name, owner=members[0])
    for user in members[1:]:
        group_member_add(group=group, user=user)
    room = group.channels.get(slug="general").room
    return {
        "id": room.pk,
        "members": [{"id": u.pk, "session": session_for(u)} for u in members],
    }


def seed(fanout: int, rooms: int, room_size: int) -> dict[str, Any]:
    fan_users = _users("fanout", fanout + 1)
    room_users = _users("member", rooms * room_size)
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        # the first member sends, the others listen
        "fanout": _room("Fan-out", fan_users),
        "rooms": [
            _room(f"Room {n}", room_users[n * room_size : (n + 1) * room_size])
            for n in range(rooms)
        ],
    }


def count(room_ids: list[int]) -> dict[str, int]:
    return {"stored": Message.objects.filter(room_id__in=room_ids).count()}


def main() -> None:
    command, out = sys.argv[1], Path(sys.argv[2])
    numbers = [int(a) for a in sys.argv[3:]]
    data = seed(*numbers) if command == "seed" else count(numbers)
    out.write_text(json.dumps(data))


if __name__ == "__main__":
    main()
