"""The Django side of the mentoring suite (bench/mentoring.py), run in a child process with
the bench environment (notices queued to Redis for a worker that is not started: they are
background work):

    python -m bench.mentoring_steps prepare
    python -m bench.mentoring_steps search OUT.json ROUNDS
    python -m bench.mentoring_steps book OUT.json

``prepare`` makes 50 mentors in eight time zones, each with two weekly rules, a day off, an
extra evening and a few booked sessions in the coming four weeks; one student; and a
"popular" mentor with exactly ten free one-hour slots and 50 mentees.

``search`` times ``free_slots_for_mentors`` for the student over the 50 mentors and four
weeks (counting its statements), alternating with the baseline: the same rows (profiles,
rules, exceptions, booked sessions, the student's sessions) read with bare queries and no
computation.

``book`` opens the broker connection (one notice queued), then starts 50 threads (one
connection each) that wait at a barrier and then each call
``session_book`` for one of the ten slots, five people per slot; it records each call's time
and result and what the database holds afterwards.
"""

import gc
import json
import statistics
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from kalpla.exceptions import Conflict  # noqa: E402
from mentorship.models import (  # noqa: E402
    AvailabilityException,
    AvailabilityRule,
    MentorProfile,
    MentorSession,
    Mentorship,
)
from mentorship.selectors.slots import free_slots_for_mentors  # noqa: E402
from mentorship.services.booking import session_book  # noqa: E402
from mentorship.tasks_booking import session_notify_task  # noqa: E402

# as the server processes do once loaded (kalpla/asgi.py): start-up objects out of the
# garbage collector's full collections
gc.freeze()

MENTORS = 50
WEEKS = 4
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
]
STUDENT = "bench-mentee@bench.test"
POPULAR = "bench-popular-mentor@bench.test"
BOOKERS = 50
SLOTS = 10


def _user(email: str) -> User:
    return User.objects.create_user(email=email, password="bench-password-not-secret")


def _window() -> tuple[datetime, datetime]:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    return start, start + timedelta(weeks=WEEKS)


def _popular_day() -> date:
    return (timezone.now() + timedelta(days=3)).date()


def prepare() -> None:
    today = timezone.localdate()
    student = _user(STUDENT)
    for i in range(MENTORS):
        user = _user(f"bench-mentor{i}@bench.test")
        profile = MentorProfile.objects.create(
            user=user,
            headline=f"Bench mentor {i}",
            timezone=ZONES[i % len(ZONES)],
            min_notice_minutes=120,
            buffer_minutes=10,
            horizon_days=60,
        )
        AvailabilityRule.objects.create(
            mentor=profile,
            rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            start_time=clock(9 + i % 3),
            end_time=clock(13 + i % 3),
            valid_from=today - timedelta(days=30),
        )
        AvailabilityRule.objects.create(
            mentor=profile,
            rrule="FREQ=WEEKLY;BYDAY=SA",
            start_time=clock(10),
            end_time=clock(12),
            valid_from=today - timedelta(days=30),
        )
        AvailabilityException.objects.create(
            mentor=profile, date=today + timedelta(days=5 + i % 7), kind="off"
        )
        AvailabilityException.objects.create(
            mentor=profile,
            date=today + timedelta(days=8 + i % 5),
            kind="extra",
            start_time=clock(18),
            end_time=clock(20),
        )
        mentee = _user(f"bench-mentee{i}@bench.test")
        mentorship = Mentorship.objects.create(mentor=user, mentee=mentee, started_on=today)
        for k in range(4):
            start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(
                days=2 + 5 * k, hours=i % 24
            )
            MentorSession.objects.create(
                mentorship=mentorship,
                mentor=user,
                mentee=mentee,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
    # the popular mentor: ten one-hour slots on one day (UTC), no buffer, no daily cap
    popular = _user(POPULAR)
    profile = MentorProfile.objects.create(
        user=popular,
        headline="Popular mentor",
        timezone="UTC",
        min_notice_minutes=0,
        buffer_minutes=0,
        max_sessions_per_day=SLOTS,
        slot_step_minutes=60,
        session_lengths=[60],
    )
    AvailabilityException.objects.create(
        mentor=profile,
        date=_popular_day(),
        kind="extra",
        start_time=clock(8),
        end_time=clock(8 + SLOTS),
    )
    for b in range(BOOKERS):
        Mentorship.objects.create(
            mentor=popular, mentee=_user(f"bench-booker{b}@bench.test"), started_on=today
        )
    del student


def _baseline(mentor_ids: list[int], student_id: int, start: datetime, end: datetime) -> int:
    """The rows the search reads, with bare queries and nothing computed."""
    profiles = list(MentorProfile.objects.filter(pk__in=mentor_ids).values())
    rules = list(AvailabilityRule.objects.filter(mentor_id__in=mentor_ids).values())
    exceptions = list(AvailabilityException.objects.filter(mentor_id__in=mentor_ids).values())
    users = [p["user_id"] for p in profiles]
    booked = list(
        MentorSession.objects.filter(
            mentor_id__in=users, status="booked", starts_at__lt=end, ends_at__gt=start
        ).values_list("mentor_id", "starts_at", "ends_at")
    )
    own = list(
        MentorSession.objects.filter(
            Q(mentee_id=student_id) | Q(mentor_id=student_id),
            status="booked",
            starts_at__lt=end,
            ends_at__gt=start,
        ).values_list("starts_at", "ends_at")
    )
    return len(profiles) + len(rules) + len(exceptions) + len(booked) + len(own)


def search(out: str, rounds: int) -> None:
    student = User.objects.get(email=STUDENT)
    mentor_ids = list(
        MentorProfile.objects.exclude(user__email=POPULAR).values_list("pk", flat=True)
    )
    start, end = _window()
    length = timedelta(hours=1)
    search_s, baseline_s, statements, slots = [], [], [], 0
    for _ in range(3):  # warm-up: connection, caches, imports
        free_slots_for_mentors(
            mentor_ids=mentor_ids, start=start, end=end, length=length, mentee_id=student.pk
        )
        _baseline(mentor_ids, student.pk, start, end)
    for _ in range(rounds):
        t0 = time.perf_counter()
        _baseline(mentor_ids, student.pk, start, end)
        baseline_s.append(time.perf_counter() - t0)
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            found = free_slots_for_mentors(
                mentor_ids=mentor_ids, start=start, end=end, length=length, mentee_id=student.pk
            )
            search_s.append(time.perf_counter() - t0)
        statements.append(len(queries.captured_queries))
        slots = sum(len(v) for v in found.values())
    Path(out).write_text(
        json.dumps(
            {
                "mentors": len(mentor_ids),
                "weeks": WEEKS,
                "search_s": search_s,
                "baseline_s": baseline_s,
                "statements": statements,
                "slots": slots,
            }
        )
    )


def book(out: str) -> None:
    popular = User.objects.get(email=POPULAR)
    mentorships = list(Mentorship.objects.filter(mentor=popular).select_related("mentee"))
    day = _popular_day()
    starts = [datetime.combine(day, clock(8 + k), tzinfo=UTC) for k in range(SLOTS)]
    # a running server has sent tasks before: its broker connection is open and the queue
    # declared (a notice for no session, which the purged queue never delivers)
    session_notify_task.delay(session_id=0, change="booked")
    barrier = threading.Barrier(len(mentorships))
    results: list[tuple[str, float]] = [("", 0.0)] * len(mentorships)

    def one(index: int) -> None:
        mentorship = mentorships[index]
        try:
            connection.ensure_connection()
            barrier.wait(timeout=120)
            t0 = time.perf_counter()
            try:
                session_book(
                    mentorship=mentorship,
                    by=mentorship.mentee,
                    starts_at=starts[index % SLOTS],
                    length_minutes=60,
                )
                outcome = "booked"
            except Conflict as exc:
                outcome = exc.code
            results[index] = (outcome, time.perf_counter() - t0)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(mentorships))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked_rows = list(
        MentorSession.objects.filter(mentor=popular, status="booked").values_list(
            "starts_at", flat=True
        )
    )
    Path(out).write_text(
        json.dumps(
            {
                "results": results,
                "booked_rows": len(booked_rows),
                "distinct_starts": len(set(booked_rows)),
                "median_s": statistics.median(t for _o, t in results),
            }
        )
    )


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "prepare":
        prepare()
    elif step == "search":
        search(sys.argv[2], int(sys.argv[3]))
    elif step == "book":
        book(sys.argv[2])
    else:
        raise SystemExit(f"unknown step {step!r}")
