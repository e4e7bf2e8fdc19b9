"""Site routes of analytics, mounted at /analytics/ by kalpla/urls.py (namespace
``analytics``). One module per area, each adding its patterns below."""

from analytics import urls_campaigns, urls_experiments, urls_rollups

app_name = "analytics"

urlpatterns: list = [
    *urls_campaigns.urlpatterns,
    *urls_experiments.urlpatterns,
    *urls_rollups.urlpatterns,
]
