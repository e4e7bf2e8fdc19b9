"""Who may do what in groups and chat rooms: small pure functions the services call.

Facts (memberships, blocks) are looked up by the caller and passed in, so these import no
services and run no queries.
"""

from typing import Any

from accounts.policies import user_is_moderator, user_is_staff

DIRECT_MAX_MEMBERS = 10  # the starter included


def room_can_read(*, is_member: bool) -> bool:
    """Only a room's members read it: a channel's are its group's, a conversation's its own."""
    return is_member


def message_can_edit(*, user: Any, author_id: int) -> bool:
    return user.pk == author_id


def message_can_delete(*, user: Any, author_id: int, group_role: str | None) -> bool:
    """The author, the group's owners and moderators, and the site's moderators."""
    if user.pk == author_id:
        return True
    return group_role in ("owner", "moderator") or user_is_moderator(user)


def direct_can_message(*, user: Any, share_a_group: bool, blocked_either_way: bool) -> bool:
    """Anyone may message someone they share a group with (a course's students and its
    mentors always share the course group), staff anyone; a block in either direction stops
    it."""
    if blocked_either_way:
        return False
    return share_a_group or user_is_staff(user)


# --- topic groups: roles are "owner", "moderator", "member"; None for someone outside ---------

GROUP_MANAGERS = ("owner", "moderator")


def group_can_see(*, visibility: str, role: str | None, user: Any) -> bool:
    """Public groups show in the directory to everyone; private and invite-only ones only to
    their members (and the site's staff), so outsiders learn nothing of them. A private group
    can still be reached by its link, to ask to join: see ``group_can_request``."""
    if role is not None or visibility == "public":
        return True
    return bool(user.is_authenticated and user_is_staff(user))


def group_can_manage(*, role: str | None) -> bool:
    """Approve requests, invite, remove members, manage channels: owners and moderators."""
    return role in GROUP_MANAGERS


def group_can_edit(*, role: str | None) -> bool:
    """Change the name, description and visibility; promote, demote, hand over: owners."""
    return role == "owner"


def group_can_remove(*, actor_role: str | None, target_role: str) -> bool:
    """Owners remove anyone but owners; moderators remove plain members."""
    if actor_role == "owner":
        return target_role != "owner"
    return actor_role == "moderator" and target_role == "member"
