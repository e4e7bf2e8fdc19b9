"""The community app's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, channel_defaults, register_kind

# A moderator acted on someone's content or account (approved, hid, deleted, warned, muted,
# banned): told to the author, with the moderator's note. Not worth an SMS.
register_kind(
    Kind(name="community.moderation", category="community", defaults=channel_defaults(push=True))
)

# Someone @mentioned the user in a post or comment of one of their groups.
register_kind(
    Kind(name="community.mention", category="community", defaults=channel_defaults(sms=False))
)
