"""The assessments app's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, register_kind

# A mentor released the grade of an assignment: told to its student.
register_kind(Kind(name="assessments.grade_released", category="learning"))

# A badge was awarded (on a certificate, or by a mentor): told to its learner.
register_kind(Kind(name="assessments.badge_awarded", category="learning"))
