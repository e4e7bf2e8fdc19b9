"""Demo chat for ``manage.py seed_demo``: the Python course's group with a second channel and a
few messages (a thread, reactions, an edited and a deleted message), a topic group of
learners, a conversation between the demo student and the demo mentor, and a group
conversation of the student with two learners.

Idempotent: groups and channels are found again by course or name, and every message has a
fixed client id, so the services return the stored one instead of storing it twice; edits,
deletes and reactions change nothing the second time.
"""

from typing import Any

from community.models import Channel, Group, Message
from community.selectors.chat import room_list
from community.services.direct import direct_room_start
from community.services.groups import (
    channel_create,
    course_group_sync,
    group_create,
    group_member_add,
)
from community.services.messages import message_delete, message_edit, message_send, reaction_set

COURSE_SLUG = "python-basics"
STUDY_GROUP = "Evening study circle"


def _say(room: Any, author: Any, key: str, body: str, *, parent: Any = None) -> Any:
    message, _created = message_send(
        room=room,
        author=author,
        body=body,
        client_id=f"demo-{key}",
        parent_id=parent.pk if parent is not None else None,
    )
    return message


def seed_chat(*, courses: dict[str, Any], mentor: Any, student: Any, learners: list[Any]) -> int:
    """Seed the demo chat; returns the number of rooms the demo student can open."""
    for course in courses.values():
        course_group_sync(course_id=course.pk)
    course = courses.get(COURSE_SLUG)
    if course is None or mentor is None or student is None:
        return 0
    group = course_group_sync(course_id=course.pk)
    general = group.channels.get(slug="general").room
    homework = Channel.objects.filter(group=group, slug="homework").first()
    if homework is None:
        homework = channel_create(group=group, name="homework", topic="Questions about exercises")
    question = _say(general, student, "welcome-1", "Hi all! Is the **first quiz** open yet?")
    answer = _say(general, mentor, "welcome-2", "Yes, it opens after lesson 2.", parent=question)
    message_edit(message=answer, user=mentor, body="Yes, it opens after lesson 2. Good luck!")
    reaction_set(message=answer, user=student, emoji="🙏")
    if learners:
        thanks = _say(general, learners[0], "welcome-3", "Thanks, see you in the live session 👋")
        reaction_set(message=thanks, user=mentor, emoji="👍")
        oops = _say(general, learners[0], "welcome-4", "(wrong room, sorry)")
        message_delete(message=oops, user=learners[0])
    _say(homework.room, mentor, "homework-1", "Post your loop exercise here if you get stuck.")

    study = Group.objects.filter(kind=Group.Kind.TOPIC, name=STUDY_GROUP).first()
    if study is None:
        study = group_create(name=STUDY_GROUP, owner=student, visibility=Group.Visibility.PUBLIC)
    for learner in learners[:3]:
        group_member_add(group=study, user=learner)
    _say(study.channels.get(slug="general").room, student, "study-1", "Same time tomorrow?")

    dm, _created = direct_room_start(user=student, other_ids=[mentor.pk])
    _say(dm, student, "dm-1", "Could you look at my assignment draft?")
    _say(dm, mentor, "dm-2", "Of course, I'll reply by tonight.")

    if len(learners) >= 2:
        # A group conversation is new each time it is started: find the demo's again first.
        first = Message.objects.filter(author=student, client_id="demo-gdm-1").first()
        if first is not None:
            trio = first.room
        else:
            trio, _created = direct_room_start(
                user=student, other_ids=[learners[0].pk, learners[1].pk]
            )
        _say(trio, student, "gdm-1", "Shall we do the loop exercise together on Saturday?")
        _say(trio, learners[1], "gdm-2", "Yes! Library at 10?")
    return room_list(user=student).count()
