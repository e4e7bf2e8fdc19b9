"""The courses app's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, channel_defaults, register_kind

register_kind(Kind(name="courses.published", category="learning"))
# A new lesson in a course someone is enrolled in: not worth an SMS, fine as push.
register_kind(
    Kind(
        name="courses.updated", category="learning", defaults=channel_defaults(sms=False, push=True)
    )
)
# Staff sent a course back to draft; the note says what to change.
register_kind(Kind(name="courses.returned", category="learning"))
# A course's instructor answered someone's review: told to the review's author.
register_kind(Kind(name="courses.review_replied", category="learning"))
# A mentor submitted a course for review: told to staff, who publish or return it.
register_kind(Kind(name="courses.submitted", category="learning"))
# New students and reviews of a course, summed up per course and hour for its mentors
# (enrollments.activity, Celery beat): not worth an SMS or a push each.
register_kind(
    Kind(name="courses.activity", category="learning", defaults=channel_defaults(push=False))
)
