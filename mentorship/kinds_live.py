"""Notification kinds of live classes (templates under templates/notifications/<name>/).

Students of the course hear when a class is scheduled, 15 minutes before it, when it goes live
(urgent: it is happening now) and when it is cancelled."""

from notifications.kinds import Kind, register_kind

register_kind(Kind(name="mentorship.live_class_scheduled", category="mentorship"))
register_kind(Kind(name="mentorship.live_class_reminder", category="mentorship"))
register_kind(Kind(name="mentorship.live_class_live", category="mentorship", urgent=True))
register_kind(Kind(name="mentorship.live_class_cancelled", category="mentorship"))
