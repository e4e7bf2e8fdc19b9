"""API routes of mentorship under /api/v1/ (namespace ``api``). One module per area."""

from mentorship.api import (
    urls_booking,
    urls_calendar,
    urls_directory,
    urls_live,
    urls_meetings,
    urls_progress,
)

urlpatterns = [
    *urls_directory.urlpatterns,
    *urls_booking.urlpatterns,
    *urls_calendar.urlpatterns,
    *urls_meetings.urlpatterns,
    *urls_progress.urlpatterns,
    *urls_live.urlpatterns,
]
