"""Demo weekly hours and bookings: the demo student's session tomorrow (booking area)."""

from typing import Any


def seed_mentoring_sessions(*, mentors: list[Any], student: Any, learners: list[Any]) -> None:
    """Availability, the demo student's mentorship and sessions (the booking area)."""
