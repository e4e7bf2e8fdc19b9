"""The community app's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, channel_defaults, register_kind

# Someone @mentioned the user in a post or comment of one of their groups.
register_kind(
    Kind(name="community.mention", category="community", defaults=channel_defaults(sms=False))
)
