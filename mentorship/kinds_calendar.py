"""The calendar's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, channel_defaults, register_kind

# A booked session starts in 24 hours or in 15 minutes: told to the mentor and the mentee
# (in the app, by email and push; the 15-minute one is urgent, past quiet hours).
register_kind(
    Kind(
        name="mentorship.session_reminder",
        category="mentorship",
        defaults=channel_defaults(email=True, push=True),
    )
)
