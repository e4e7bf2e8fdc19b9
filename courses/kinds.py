"""The courses app's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, register_kind
from notifications.models import Channel

COURSE_PUBLISHED = register_kind(Kind(name="courses.published", category="learning"))
# A new lesson in a course someone is enrolled in: not worth an SMS, fine as push.
COURSE_UPDATED = register_kind(
    Kind(
        name="courses.updated",
        category="learning",
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.SMS: False,
            Channel.PUSH: True,
        },
    )
)
# Staff sent a course back to draft; the note says what to change.
COURSE_RETURNED = register_kind(Kind(name="courses.returned", category="learning"))
