"""Notification kinds of topic groups: join requests, their decisions, invitations."""

from notifications.kinds import Kind, channel_defaults, register_kind

# To the group's owners and moderators.
register_kind(
    Kind(
        name="community.join_requested",
        category="community",
        defaults=channel_defaults(email=False),
    )
)
# To the person who asked.
register_kind(Kind(name="community.join_request_decided", category="community"))
# To the person invited.
register_kind(Kind(name="community.invited", category="community"))
