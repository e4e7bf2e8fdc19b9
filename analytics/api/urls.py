"""API routes of analytics under /api/v1/ (namespace ``api``). One module per area, each
adding its patterns below."""

from analytics.api import urls_campaigns, urls_events, urls_experiments, urls_rollups

urlpatterns: list = [
    *urls_events.urlpatterns,
    *urls_rollups.urlpatterns,
    *urls_campaigns.urlpatterns,
    *urls_experiments.urlpatterns,
]
