"""The room's change sequence (edits, deletes and reactions are caught up like new
messages), read state pushed live, and course groups following instructors."""

import pytest

from accounts.tests.factories import UserFactory
from community.models import Group, GroupMembership, Message, Room, RoomMember
from community.selectors.chat import messages_changed_since, room_unread_counts
from community.services.messages import (
    message_delete,
    message_edit,
    reaction_set,
    room_mark_read,
)
from community.tests.factories import send, topic_group
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_every_change_takes_the_rooms_next_change_number():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    first, second = send(room, owner, "one"), send(room, owner, "two")
    assert (first.changed_seq, second.changed_seq) == (1, 2)
    message_edit(message=first, user=owner, body="one, edited")
    reaction_set(message=second, user=member, emoji="👍")
    message_delete(message=first, user=owner)
    room.refresh_from_db()
    assert room.change_seq == 5 and room.last_seq == 2  # seq stays without gaps
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.changed_seq, first.changed_seq) == (4, 5)
    # a client that saw change 2 gets both messages, as they are now, in change order
    changed = [m for m, _visible in messages_changed_since(room_id=room.pk, since_seq=2)]
    assert [m.pk for m in changed] == [second.pk, first.pk]
    assert changed[1].is_deleted and changed[0].reactions.all()[0].emoji == "👍"
    assert messages_changed_since(room_id=room.pk, since_seq=5) == []


def test_changes_that_change_nothing_take_no_number():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    message = send(room, owner, "same")
    message_edit(message=message, user=owner, body="same")
    reaction_set(message=message, user=owner, emoji="🎉", on=False)  # never there
    reaction_set(message=message, user=owner, emoji="🎉")
    reaction_set(message=message, user=owner, emoji="🎉")  # already there
    message_delete(message=message, user=owner)
    message_delete(message=message, user=owner)  # already a tombstone
    room.refresh_from_db()
    assert room.change_seq == 3


def test_unread_counts_of_every_member_in_one_query(django_assert_num_queries):
    owner, *members = UserFactory(), UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=tuple(members))
    for n in range(3):
        send(room, owner, f"m{n}")
    last = send(room, members[0], "reply")
    room_mark_read(member=RoomMember.objects.get(room=room, user=members[1]), message_id=last.pk)
    with django_assert_num_queries(1):
        counts = room_unread_counts(room_id=room.pk)
    assert counts == sorted(
        [
            (owner.pk, Message.objects.filter(room=room, author=owner).last().pk, 1),
            (members[0].pk, last.pk, 0),
            (members[1].pk, last.pk, 0),
        ]
    )


def test_course_group_owners_follow_instructors_added_and_removed(
    django_capture_on_commit_callbacks,
):
    first, second = UserFactory(roles=("Mentor",)), UserFactory(roles=("Mentor",))
    with django_capture_on_commit_callbacks(execute=True):
        course = CourseFactory(instructors=[first], status="published")
    group = Group.objects.get(course=course)
    room = group.channels.get().room
    # added from the course's side
    with django_capture_on_commit_callbacks(execute=True):
        course.instructors.add(second)
    assert GroupMembership.objects.get(group=group, user=second).role == "owner"
    assert RoomMember.objects.filter(room=room, user=second).exists()
    # removed from the user's side: out of the group and its rooms
    with django_capture_on_commit_callbacks(execute=True):
        second.taught_courses.remove(course)
    assert not GroupMembership.objects.filter(group=group, user=second).exists()
    assert not RoomMember.objects.filter(room=room, user=second).exists()
    # an instructor who is also enrolled stays, as a member, when cleared
    EnrollmentFactory(user=first, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        course.instructors.clear()
    assert GroupMembership.objects.get(group=group, user=first).role == "member"


def test_direct_rooms_are_not_touched_by_instructor_changes(django_capture_on_commit_callbacks):
    mentor = UserFactory(roles=("Mentor",))
    with django_capture_on_commit_callbacks(execute=True):
        course = CourseFactory(instructors=[mentor])
        course.instructors.remove(mentor)
    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()
    assert not GroupMembership.objects.filter(user=mentor).exists()
