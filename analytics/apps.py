from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from activity.signals import learning_event
        from analytics import tasks_rollups  # noqa: F401  (registers the beat task)
        from analytics.services.events import event_record_receiver

        # every app's activity.track() lands here once its transaction commits
        learning_event.connect(event_record_receiver, dispatch_uid="analytics-record-event")
