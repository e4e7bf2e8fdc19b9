"""Groups, their channels and members.

A course's group is made with the course and follows it: its instructors are owners, its
live students members (``community.receivers`` applies enrollments' ``enrollment_changed``).
Every group has a "general" channel. Joining a group gives a read state in each of its
channels' rooms; leaving it takes them away and closes the member's open sockets there.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.errors import field_error
from community.models import Channel, Group, GroupMembership, Room, RoomMember
from community.realtime import kick_publish
from community.selectors.moderation import banned_user_ids
from courses.selectors.activity import course_active_instructors, course_in_bulk
from enrollments.selectors import course_student_ids

GENERAL = "general"


@transaction.atomic
def channel_create(*, group: Group, name: str, topic: str = "") -> Channel:
    """A channel with its room; every member of the group gets a read state in it."""
    slug = slugify(name)[:80]
    if not slug:
        raise field_error("name", _("Give the channel a name with letters or digits."))
    if Channel.objects.filter(group=group, slug=slug).exists():
        raise field_error("name", _("This group already has a channel with that name."))
    room = Room(kind=Room.Kind.CHANNEL)
    room.full_clean()
    room.save()
    channel = Channel(group=group, room=room, name=name.strip(), slug=slug, topic=topic)
    channel.full_clean()
    channel.save()
    user_ids = GroupMembership.objects.filter(group=group).values_list("user_id", flat=True)
    RoomMember.objects.bulk_create([RoomMember(room=room, user_id=uid) for uid in user_ids])
    return channel


@transaction.atomic
def group_create(
    *, name: str, owner: Any, visibility: str = Group.Visibility.PRIVATE, description: str = ""
) -> Group:
    """A topic group owned by ``owner``, with its general channel."""
    group = Group(kind=Group.Kind.TOPIC, name=name.strip(), visibility=visibility)
    group.description = description
    group.full_clean()
    group.save()
    channel_create(group=group, name=GENERAL)
    group_member_add(group=group, user=owner, role=GroupMembership.Role.OWNER)
    return group


def course_group_ensure(*, course_id: int) -> Group:
    """The course's group (made, with its general channel, on first use)."""
    group = Group.objects.filter(course_id=course_id).first()
    if group is not None:
        return group
    course = course_in_bulk(course_ids=[course_id])[course_id]
    try:
        with transaction.atomic():
            group = Group(
                kind=Group.Kind.COURSE,
                visibility=Group.Visibility.PRIVATE,
                name=course.title[:200],
                course_id=course_id,
            )
            group.full_clean(validate_constraints=False)
            group.save()
            channel_create(group=group, name=GENERAL)
    except IntegrityError:
        # Another request made it between our look-up and the insert.
        return Group.objects.get(course_id=course_id)
    return group


@transaction.atomic
def group_member_add(*, group: Group, user: Any, role: str = GroupMembership.Role.MEMBER) -> Any:
    """Add ``user`` (or change their role); they get a read state in every channel."""
    membership, created = GroupMembership.objects.get_or_create(
        group=group, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
    room_ids = Channel.objects.filter(group=group).values_list("room_id", flat=True)
    RoomMember.objects.bulk_create(
        [RoomMember(room_id=room_id, user=user) for room_id in room_ids], ignore_conflicts=True
    )
    return membership


@transaction.atomic
def group_member_remove(*, group: Group, user_id: int) -> bool:
    """Take ``user_id`` out of the group and its rooms; their open sockets there are closed
    (4403) once this commits. False when they were not a member."""
    deleted, _counts = GroupMembership.objects.filter(group=group, user_id=user_id).delete()
    room_ids = list(Channel.objects.filter(group=group).values_list("room_id", flat=True))
    RoomMember.objects.filter(room_id__in=room_ids, user_id=user_id).delete()
    for room_id in room_ids:
        kick_publish(user_id=user_id, room_id=room_id)
    return bool(deleted)


@transaction.atomic
def course_group_member_sync(*, course_id: int, user_id: int) -> None:
    """Make one user's membership of the course group match enrollments and instructors."""
    if not Group.objects.filter(course_id=course_id).exists():
        course_group_sync(course_id=course_id)  # a new group: everyone at once
        return
    group = course_group_ensure(course_id=course_id)
    instructors = {u.pk for u in course_active_instructors(course_ids=[course_id])[course_id]}
    if banned_user_ids(group_id=group.pk, user_ids=[user_id]):
        group_member_remove(group=group, user_id=user_id)  # banned: enrolling lets no one back
    elif user_id in instructors:
        group_member_add(group=group, user=_user(user_id), role=GroupMembership.Role.OWNER)
    elif user_id in course_student_ids(course_id=course_id):
        group_member_add(group=group, user=_user(user_id), role=GroupMembership.Role.MEMBER)
    else:
        group_member_remove(group=group, user_id=user_id)


@transaction.atomic
def course_group_sync(*, course_id: int) -> Group:
    """Make the whole course group match: instructors owners, live students members, anyone
    else out. For a new course and for back-filling (the demo data, an admin's changes)."""
    group = course_group_ensure(course_id=course_id)
    owners = {u.pk: u for u in course_active_instructors(course_ids=[course_id])[course_id]}
    students = set(course_student_ids(course_id=course_id)) - owners.keys()
    students -= banned_user_ids(group_id=group.pk, user_ids=students)
    current = dict(GroupMembership.objects.filter(group=group).values_list("user_id", "role"))
    for user_id in set(current) - owners.keys() - students:
        group_member_remove(group=group, user_id=user_id)
    for user_id, user in owners.items():
        if current.get(user_id) != GroupMembership.Role.OWNER:
            group_member_add(group=group, user=user, role=GroupMembership.Role.OWNER)
    for user_id in students:
        if current.get(user_id) != GroupMembership.Role.MEMBER:
            group_member_add(group=group, user=_user(user_id))
    return group


def _user(user_id: int) -> Any:
    return get_user_model().objects.get(pk=user_id)
