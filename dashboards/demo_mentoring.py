"""Demo mentoring: mentors in different time zones with weekly hours, the demo student's
mentorship with a session booked tomorrow, notes, goals, and a scheduled live class.

Each area seeds its own part (dashboards/demo_mentoring_<area>.py) through the services; all
of it is idempotent, like the rest of seed_demo.
"""

from typing import Any

from dashboards.demo_mentoring_directory import seed_mentors
from dashboards.demo_mentoring_live import seed_live_classes
from dashboards.demo_mentoring_progress import seed_mentoring_progress
from dashboards.demo_mentoring_sessions import seed_mentoring_sessions


def seed_mentoring(
    *, courses: dict[str, Any], mentor: Any, student: Any, learners: list[Any]
) -> int:
    """Returns how many mentors the directory lists."""
    mentors = seed_mentors(courses=courses, mentor=mentor, student=student, learners=learners)
    seed_mentoring_sessions(mentors=mentors, student=student, learners=learners)
    seed_mentoring_progress(mentors=mentors, student=student)
    seed_live_classes(courses=courses, mentor=mentor, student=student)
    return len(mentors)
