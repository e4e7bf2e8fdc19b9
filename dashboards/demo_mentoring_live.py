"""Demo live classes: one scheduled in two days for a course the demo student takes and the
demo mentor teaches, and one that ended three days ago with a recording link (live area).

Through the services (the channel, the chat room in the course group, the students' notices);
idempotent by course and title.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from courses.policies import course_is_instructor
from enrollments.selectors import enrollment_get
from mentorship.models import LiveClass
from mentorship.services import live as services

UPCOMING = "Live Q&A: your first Python programs"
ENDED = "Live walkthrough: debugging with print and pdb"
RECORDING_URL = "https://example.com/recordings/kalpla-debugging-walkthrough"
PREFERRED = ("python-basics",)


def _course_of_both(courses: dict[str, Any], mentor: Any, student: Any) -> Any | None:
    ordered = [courses[slug] for slug in PREFERRED if slug in courses] + list(courses.values())
    for course in ordered:
        if course_is_instructor(user=mentor, course=course) and enrollment_get(
            user=student, course=course
        ):
            return course
    return None


def _ended_class(course: Any, mentor: Any) -> None:
    """Schedule, start and end through the services, then move it three days back (a demo
    cannot wait for a real class to happen)."""
    now = timezone.now()
    live = services.live_class_schedule(
        course=course,
        host=mentor,
        title=ENDED,
        description="How to find a bug: read the traceback, print, then step with pdb.",
        starts_at=now + timedelta(minutes=1),
        duration_minutes=45,
    )
    services.live_class_start(live_class=live, by=mentor, now=now)
    services.live_class_end(live_class=live, by=mentor, now=now + timedelta(minutes=45))
    services.live_class_set_recording(live_class=live, by=mentor, url=RECORDING_URL)
    back = timedelta(days=3)
    LiveClass.objects.filter(pk=live.pk).update(
        starts_at=now - back,
        started_at=now - back,
        ended_at=now - back + timedelta(minutes=45),
    )


def seed_live_classes(*, courses: dict[str, Any], mentor: Any, student: Any) -> None:
    course = _course_of_both(courses, mentor, student)
    if course is None:
        return
    existing = set(LiveClass.objects.filter(course=course).values_list("title", flat=True))
    if UPCOMING not in existing:
        start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        services.live_class_schedule(
            course=course,
            host=mentor,
            title=UPCOMING,
            description="Bring the program you are stuck on; we fix it together, live.",
            starts_at=start,
            duration_minutes=60,
        )
    if ENDED not in existing:
        _ended_class(course, mentor)
