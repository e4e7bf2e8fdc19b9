"""Notification kinds of mentoring progress (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, channel_defaults, register_kind

# The mentor shared a session note with the mentee.
register_kind(Kind(name="mentorship.note_shared", category="mentorship"))
# The mentor gave the mentee an action item (or handed one over to them).
register_kind(Kind(name="mentorship.action_item_assigned", category="mentorship"))
# The mentee rated a session (in the app and as a push; no email for every star).
register_kind(
    Kind(
        name="mentorship.session_rated",
        category="mentorship",
        defaults=channel_defaults(email=False),
    )
)
