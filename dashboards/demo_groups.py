"""Demo topic groups for ``manage.py seed_demo``: a public group to join ("Study buddies"), a
private one the demo student has asked to join, and an invite-only one whose invitation waits
for the demo student's answer.

Idempotent: groups are found again by name; a pending request or invitation is given back
instead of being made twice.
"""

from typing import Any

from community.models import Group
from community.services.groups import group_member_add
from community.services.membership import (
    invitation_create,
    join_request_create,
    topic_group_create,
)
from community.services.messages import message_send

PUBLIC = "Study buddies"
PRIVATE = "Data science reading club"
INVITE = "Mentor office hours"


def _group(name: str, *, owner: Any, visibility: str, description: str) -> Group:
    group = Group.objects.filter(kind=Group.Kind.TOPIC, name=name).first()
    if group is None:
        group = topic_group_create(
            user=owner, name=name, visibility=visibility, description=description
        )
    return group


def seed_groups(*, mentor: Any, student: Any, learners: list[Any]) -> int:
    """Seed the demo groups; returns how many topic groups there are."""
    if mentor is None or student is None or not learners:
        return 0
    buddies = _group(
        PUBLIC,
        owner=learners[0],
        visibility=Group.Visibility.PUBLIC,
        description="Find someone to learn with this week: post your plan, pair up, keep going.",
    )
    for learner in learners[1:4]:
        group_member_add(group=buddies, user=learner)
    message_send(
        room=buddies.channels.get(slug="general").room,
        author=learners[0],
        body="Who wants to pair on the **Python basics** exercises tonight?",
        client_id="demo-buddies-1",
    )
    club = _group(
        PRIVATE,
        owner=learners[1] if len(learners) > 1 else mentor,
        visibility=Group.Visibility.PRIVATE,
        description="We read one paper a fortnight and discuss it here.",
    )
    if not club.memberships.filter(user=student).exists():
        join_request_create(group=club, user=student, message="I'd love to join the next read.")
    hours = _group(
        INVITE,
        owner=mentor,
        visibility=Group.Visibility.INVITE,
        description="Small-group questions with your mentor, by invitation.",
    )
    if not hours.memberships.filter(user=student).exists():
        invitation_create(group=hours, user=mentor, invitee_id=student.pk)
    return Group.objects.filter(kind=Group.Kind.TOPIC).count()
