from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.signals import user_signup_completed
        from activity.signals import learning_event
        from analytics import (  # noqa: F401 (notification kinds and Celery tasks register)
            kinds_campaigns,
            tasks_campaigns,
            tasks_events,
            tasks_rollups,
        )
        from analytics.receivers_events import event_record_receiver
        from analytics.services.experiments import merge_on_login, merge_on_signup

        # every app's activity.track() lands here once its transaction commits
        learning_event.connect(event_record_receiver, dispatch_uid="analytics-record-event")
        # a visitor who signs up or signs in keeps the variants they were shown
        user_signup_completed.connect(merge_on_signup, dispatch_uid="analytics-experiments-signup")
        user_logged_in.connect(merge_on_login, dispatch_uid="analytics-experiments-login")
