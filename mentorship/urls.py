"""Site routes of mentorship, mounted at the site's root by kalpla/urls.py (namespace
``mentorship``): /mentors/ (directory, profiles, requests), /mentoring/ (mentorships, sessions,
availability, goals), /meetings/, /live/ and /calendar/ (iCal feeds). One module per area."""

from mentorship import (
    urls_booking,
    urls_calendar,
    urls_directory,
    urls_live,
    urls_meetings,
    urls_progress,
)

app_name = "mentorship"

urlpatterns = [
    *urls_directory.urlpatterns,
    *urls_booking.urlpatterns,
    *urls_calendar.urlpatterns,
    *urls_meetings.urlpatterns,
    *urls_progress.urlpatterns,
    *urls_live.urlpatterns,
]
