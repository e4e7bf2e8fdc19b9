"""Notification kinds of mentor requests and mentorships (templates under
templates/notifications/<name>/)."""

from notifications.kinds import Kind, register_kind

# A student asked the mentor for mentoring (to the mentor).
register_kind(Kind(name="mentorship.request_received", category="mentorship"))
# The mentor accepted: the mentorship started (to the student).
register_kind(Kind(name="mentorship.request_accepted", category="mentorship"))
# The mentor declined, with a reason (to the student).
register_kind(Kind(name="mentorship.request_declined", category="mentorship"))
# One side ended the mentorship (to the other side).
register_kind(Kind(name="mentorship.mentorship_ended", category="mentorship"))
