"""Demo chat for ``manage.py seed_demo``: the Python course's group with a second channel and a
few messages (a thread, reactions, an edited and a deleted message), a topic group of
learners, a conversation between the demo student and the demo mentor, and a group
conversation of the student with two learners.

Idempotent: groups and channels are found again by course or name, and every message has a
fixed client id, so the services return the stored one instead of storing it twice; edits,
deletes and reactions change nothing the second time.

``seed_moderation`` adds the moderator's side: a held message, a learner's report and a
warning in the audit log.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.test import override_settings

from community.models import Channel, Group, GroupMembership, Message, ModerationAction, Report
from community.selectors.chat import room_list
from community.services.direct import direct_room_start
from community.services.groups import (
    channel_create,
    course_group_sync,
    group_create,
    group_member_add,
)
from community.services.messages import message_delete, message_edit, message_send, reaction_set
from community.services.reports import report_create
from community.services.sanctions import moderation_act
from moderation.models import ModerationItem

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


# The demo's people are established members: the new-account rule would hold their first words.
@override_settings(KALPLA_MODERATION_NEW_ACCOUNT_POSTS=0, KALPLA_MODERATION_DUPLICATE_WINDOW=0)
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
    seed_moderation(general=general, group=group, learners=learners)
    return room_list(user=student).count()


MODERATOR_EMAIL = "moderator@example.com"


def seed_moderation(*, general: Any, group: Any, learners: list[Any]) -> None:
    """A held message (toxic), a published one reported as spam and a warning to its author."""
    members = set(GroupMembership.objects.filter(group=group).values_list("user_id", flat=True))
    speakers = [learner for learner in learners if learner.pk in members]
    moderator = get_user_model().objects.filter(email=MODERATOR_EMAIL).first()
    if len(speakers) < 3 or moderator is None:
        return
    rude, spammer, reporter = speakers[-1], speakers[-2], speakers[0]
    _say(general, rude, "mod-held", "This quiz is rigged and you are all idiots.")
    spam = _say(general, spammer, "mod-spam", "DM me for cheap exam answers, call +91 98765 43210")
    if not Report.objects.filter(reporter=reporter, object_id=str(spam.pk)).exists():
        report_create(
            reporter=reporter,
            kind="message",
            object_id=spam.pk,
            reason="spam",
            text="Selling exam answers in the course chat.",
        )
    item = ModerationItem.objects.filter(
        object_id=str(spam.pk), content_type__model="message", reason="reported"
    ).first()
    if item is not None and not ModerationAction.objects.filter(item=item).exists():
        moderation_act(
            item=item,
            by=moderator,
            action="warn",
            note="Selling answers is not allowed here; next time it is a mute.",
        )
