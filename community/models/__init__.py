"""Models of the community app: groups, channels, chat rooms and their messages.

The moderation queue's records are the moderation app's. One module per subdomain; every model
is importable from ``community.models``.
"""

from community.models.chat import Channel, Message, MessageEdit, Reaction, Room, RoomMember
from community.models.groups import Block, Group, GroupMembership
from community.models.membership import Invitation, JoinRequest
from community.models.moderation import ModerationAction, Report, Sanction
from community.models.moderation_status import ModerationStatus

__all__ = [
    "Block",
    "Channel",
    "Group",
    "GroupMembership",
    "Invitation",
    "JoinRequest",
    "Message",
    "MessageEdit",
    "ModerationAction",
    "ModerationStatus",
    "Reaction",
    "Report",
    "Room",
    "RoomMember",
    "Sanction",
]
