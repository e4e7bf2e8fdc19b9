"""Notification kinds of booking (templates under templates/notifications/<name>/). Both
people of a session are told; the times in each message are in the recipient's zone."""

from notifications.kinds import Kind, channel_defaults, register_kind

for _name in (
    "mentorship.session_booked",
    "mentorship.session_cancelled",
    "mentorship.session_rescheduled",
):
    register_kind(
        Kind(name=_name, category="mentorship", defaults=channel_defaults(email=True, push=True))
    )
