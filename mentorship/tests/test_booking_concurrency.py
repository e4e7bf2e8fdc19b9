"""Ten people booking one slot at the same moment (PostgreSQL, real threads): one wins, nine
are told the slot is taken."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time
from threading import Barrier

import pytest
from django.db import connection

from kalpla.exceptions import Conflict
from mentorship.models import MentorSession
from mentorship.services.booking import session_book
from mentorship.tests.factories import (
    AvailabilityRuleFactory,
    MentorProfileFactory,
    MentorshipFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2027, 2, 1, 6, tzinfo=UTC)


def test_session_book_ten_threads_one_slot_exactly_one_booked(postgresql_only):
    # given: a mentor open on 2 February and ten mentees, each in a mentorship with them
    mentor = MentorProfileFactory(horizon_days=60, max_sessions_per_day=10)
    AvailabilityRuleFactory(
        mentor=mentor,
        rrule="FREQ=DAILY",
        start_time=time(9),
        end_time=time(17),
        valid_from=date(2027, 1, 1),
    )
    mentorships = [MentorshipFactory(mentor=mentor.user) for _ in range(10)]
    start = Barrier(10)

    def book(mentorship):
        start.wait()
        try:
            session_book(
                mentorship=mentorship,
                by=mentorship.mentee,
                starts_at=datetime(2027, 2, 2, 10, tzinfo=UTC),
                length_minutes=60,
                now=NOW,
            )
            return "booked"
        except Conflict as exc:
            return exc.code
        finally:
            connection.close()

    # when: all ten book 10:00 at once
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(book, mentorships))

    # then: one session, nine clear refusals
    assert results.count("booked") == 1
    assert results.count("slot_taken") == 9
    assert MentorSession.objects.filter(mentor=mentor.user, status="booked").count() == 1
