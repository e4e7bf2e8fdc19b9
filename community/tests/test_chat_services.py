"""Chat services: structure, sending, idempotency, edits, deletes, reactions, read state."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from community.models import Group, GroupMembership, Message, RoomMember
from community.selectors.chat import room_list
from community.services.direct import block_create, block_delete, direct_room_start
from community.services.groups import course_group_sync, group_member_remove
from community.services.messages import (
    message_delete,
    message_edit,
    message_send,
    reaction_set,
    room_mark_read,
)
from community.tests.factories import direct_room, send, topic_group
from courses.tests.factories import CourseFactory
from enrollments.services import enrollment_cancel, enrollment_create
from kalpla.exceptions import NotFound, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


def test_course_group_made_with_course_and_instructors_are_owners(
    django_capture_on_commit_callbacks,
):
    mentor = UserFactory(roles=("Mentor",))
    with django_capture_on_commit_callbacks(execute=True):
        course = CourseFactory(instructors=[mentor])
    group = Group.objects.get(course=course)
    assert group.kind == "course" and group.channels.get().slug == "general"
    assert GroupMembership.objects.get(group=group, user=mentor).role == "owner"
    assert RoomMember.objects.filter(user=mentor, room__channel__group=group).count() == 1


def test_course_group_members_follow_enrollments(django_capture_on_commit_callbacks):
    mentor, student = UserFactory(roles=("Mentor",)), UserFactory()
    course = CourseFactory(instructors=[mentor], status="published")
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enrollment_create(user=student, course=course)
    group = Group.objects.get(course=course)
    room = group.channels.get().room
    assert RoomMember.objects.filter(room=room, user=student).exists()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_cancel(enrollment=enrollment)
    assert not GroupMembership.objects.filter(group=group, user=student).exists()
    assert not RoomMember.objects.filter(room=room, user=student).exists()
    # the instructor stays an owner
    assert GroupMembership.objects.get(group=group, user=mentor).role == "owner"


def test_course_group_sync_is_idempotent():
    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[mentor])
    first = course_group_sync(course_id=course.pk)
    second = course_group_sync(course_id=course.pk)
    assert first.pk == second.pk
    assert GroupMembership.objects.filter(group=first).count() == 1


def test_message_send_numbers_messages_and_renders_markdown():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    first = send(room, owner, "**Hi** <script>alert(1)</script>")
    second = send(room, member, "Hello")
    assert (first.seq, second.seq) == (1, 2)
    assert "<strong>Hi</strong>" in first.body_html and "<script>" not in first.body_html
    room.refresh_from_db()
    assert room.last_seq == 2


def test_message_send_with_the_same_client_id_is_stored_once():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    first, created = message_send(room=room, author=owner, body="Once", client_id="c-1")
    again, created_again = message_send(room=room, author=owner, body="Once", client_id="c-1")
    assert created and not created_again and again.pk == first.pk
    assert Message.objects.filter(room=room).count() == 1


def test_message_send_refuses_outsiders():
    owner, outsider = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner)
    with pytest.raises(NotFound):
        send(room, outsider)


def test_message_send_refuses_empty_and_too_long_bodies():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    with pytest.raises(ValidationError):
        send(room, owner, "   ")
    with pytest.raises(ValidationError) as error:
        send(room, owner, "x" * 4001)
    assert error.value.code == "too_long"


def test_message_reply_joins_the_first_messages_thread():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    root = send(room, owner, "Question")
    reply = send(room, owner, "Answer", parent_id=root.pk)
    reply_to_reply = send(room, owner, "More", parent_id=reply.pk)
    assert reply.parent_id == root.pk and reply_to_reply.parent_id == root.pk


def test_message_edit_keeps_history_and_only_the_author_edits():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    message = send(room, member, "Frist")
    edited = message_edit(message=message, user=member, body="First")
    assert edited.body == "First" and edited.edited_at is not None
    assert list(edited.edits.values_list("body", flat=True)) == ["Frist"]
    with pytest.raises(PermissionDenied):
        message_edit(message=message, user=owner, body="Nope")


def test_message_delete_leaves_a_tombstone_and_group_owner_may_delete():
    owner, member, other = UserFactory(), UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member, other))
    message = send(room, member, "Oops")
    with pytest.raises(PermissionDenied):
        message_delete(message=message, user=other)
    deleted = message_delete(message=message, user=owner)
    assert deleted.is_deleted and Message.objects.filter(pk=message.pk).exists()


def test_reaction_set_adds_and_removes_once():
    owner = UserFactory()
    _group, room = topic_group(owner=owner)
    message = send(room, owner)
    reaction_set(message=message, user=owner, emoji="👍")
    reaction_set(message=message, user=owner, emoji="👍")
    assert message.reactions.count() == 1
    reaction_set(message=message, user=owner, emoji="👍", on=False)
    assert message.reactions.count() == 0


def test_unread_counts_use_the_last_read_id():
    owner, member = UserFactory(), UserFactory()
    _group, room = topic_group(owner=owner, members=(member,))
    first = send(room, owner, "1")
    send(room, owner, "2")
    deleted = send(room, owner, "3")
    message_delete(message=deleted, user=owner)
    send(room, member, "mine")  # the sender has read up to their own message
    assert room_list(user=owner).get(room=room).unread == 1
    member_row = RoomMember.objects.get(room=room, user=owner)
    room_mark_read(member=member_row, message_id=first.pk)  # never moves back
    assert room_list(user=owner).get(room=room).unread == 1


def test_removed_member_loses_the_room():
    owner, member = UserFactory(), UserFactory()
    group, room = topic_group(owner=owner, members=(member,))
    assert group_member_remove(group=group, user_id=member.pk)
    with pytest.raises(NotFound):
        send(room, member)


def test_direct_room_is_found_again_and_needs_a_shared_group():
    alice, bob, stranger = UserFactory(), UserFactory(), UserFactory()
    room = direct_room(alice, bob)
    again, created = direct_room_start(user=bob, other_ids=[alice.pk])
    assert again.pk == room.pk and not created
    with pytest.raises(PermissionDenied):
        direct_room_start(user=alice, other_ids=[stranger.pk])


def test_student_and_mentor_of_a_course_can_always_reach_each_other():
    mentor, student = UserFactory(roles=("Mentor",)), UserFactory()
    course = CourseFactory(instructors=[mentor], status="published")
    from enrollments.tests.factories import EnrollmentFactory

    EnrollmentFactory(user=student, course=course)
    course_group_sync(course_id=course.pk)
    room, created = direct_room_start(user=student, other_ids=[mentor.pk])
    assert created and room.kind == "direct"


def test_direct_group_is_limited_to_ten():
    owner = UserFactory()
    others = UserFactory.create_batch(10)
    topic_group(owner=owner, members=tuple(others))
    with pytest.raises(ValidationError) as error:
        direct_room_start(user=owner, other_ids=[u.pk for u in others])
    assert error.value.code == "too_many"
    room, _ = direct_room_start(user=owner, other_ids=[u.pk for u in others[:9]])
    assert room.members.count() == 10


def test_blocks_stop_direct_messages_both_ways():
    alice, bob = UserFactory(), UserFactory()
    room = direct_room(alice, bob)
    block_create(blocker=bob, blocked_id=alice.pk)
    with pytest.raises(PermissionDenied):
        send(room, alice)
    with pytest.raises(PermissionDenied):
        send(room, bob)
    block_delete(blocker=bob, blocked_id=alice.pk)
    assert send(room, alice).seq == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_get_distinct_sequence_numbers(settings):
    if connection.vendor != "postgresql":
        if settings.CI:
            pytest.fail("CI=true but no PostgreSQL: concurrent senders cannot be tested")
        pytest.skip("needs PostgreSQL for concurrent writers (always present with CI=true)")
    owner = UserFactory()
    _group, room = topic_group(owner=owner)

    def one(n: int) -> int:
        try:
            return send(room, owner, f"m{n}", client_id=f"c{n % 10}").seq
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, range(20)))
    seqs = sorted(Message.objects.filter(room=room).values_list("seq", flat=True))
    # ten distinct client ids: ten messages, numbered without gaps
    assert seqs == list(range(1, 11))
