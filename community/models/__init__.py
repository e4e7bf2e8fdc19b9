"""Models of the community app: groups, channels, chat rooms and their messages,
posts and their comments.

The moderation queue's records are the moderation app's. One module per subdomain; every model
is importable from ``community.models``.
"""

from community.models.chat import Channel, Message, MessageEdit, Reaction, Room, RoomMember
from community.models.groups import Block, Group, GroupMembership
from community.models.membership import Invitation, JoinRequest
from community.models.moderation import ModerationAction, Report, Sanction
from community.models.moderation_status import ModerationStatus
from community.models.posts import (
    Bookmark,
    Comment,
    CommentReaction,
    FeedMarker,
    Post,
    PostAttachment,
    PostEdit,
    PostReaction,
)

__all__ = [
    "Block",
    "Bookmark",
    "Channel",
    "Comment",
    "CommentReaction",
    "FeedMarker",
    "Group",
    "GroupMembership",
    "Invitation",
    "JoinRequest",
    "Message",
    "MessageEdit",
    "ModerationAction",
    "ModerationStatus",
    "Post",
    "PostAttachment",
    "PostEdit",
    "PostReaction",
    "Reaction",
    "Report",
    "Room",
    "RoomMember",
    "Sanction",
]
