"""API routes of analytics under /api/v1/ (namespace ``api``). One module per area, each
adding its patterns below."""

from analytics.api import urls_rollups

urlpatterns = [
    *urls_rollups.urlpatterns,
]
