"""The enrollments app's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, register_kind

# A seat freed in a cohort of a free course: the first in line is enrolled.
register_kind(Kind(name="enrollments.waitlist_enrolled", category="learning"))
# A seat freed in a cohort of a paid course: held for the first in line for a while.
register_kind(Kind(name="enrollments.waitlist_offer", category="learning", urgent=True))
# The held seat ran out before it was taken.
register_kind(Kind(name="enrollments.waitlist_offer_expired", category="learning"))
