"""What mentorship tells the rest of the project (and its own listeners).

Every signal is sent on commit of the change, with keyword arguments named below.

- ``session_booked(session, by)``: a session was booked (also the new one of a reschedule).
- ``session_changed(session, by, change)``: ``change`` is "cancelled", "rescheduled" (sent
  for the old session, with ``new_session``), "completed" or "no_show".
- ``mentorship_changed(mentorship, by, change)``: "started", "paused", "resumed", "ended".
- ``live_class_changed(live_class, by, change)``: "scheduled", "updated", "live", "ended",
  "cancelled".
"""

from django.dispatch import Signal

session_booked = Signal()
session_changed = Signal()
mentorship_changed = Signal()
live_class_changed = Signal()
