"""Free slots: weekly hours in the mentor's zone, exceptions, bookings, buffer, notice, cap."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from mentorship.selectors.slots import free_slots, free_slots_for_mentors
from mentorship.tests.factories import (
    AvailabilityExceptionFactory,
    AvailabilityRuleFactory,
    MentorProfileFactory,
    MentorSessionFactory,
    MentorshipFactory,
)

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
# "now" for these tests: well before the weeks they look at (the horizon is set to reach them)
LONG_AGO = datetime(2027, 1, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def starts(slots) -> list[datetime]:
    return [slot.starts_at for slot in slots]


def test_mondays_nine_to_eleven_in_new_york_follow_the_clock_across_dst():
    # given: Mondays 09:00-11:00 New York time; clocks go forward on Sunday 14 March 2027
    mentor = MentorProfileFactory(
        horizon_days=180, timezone="America/New_York", slot_step_minutes=60
    )
    AvailabilityRuleFactory(
        mentor=mentor,
        rrule="FREQ=WEEKLY;BYDAY=MO",
        start_time=time(9),
        end_time=time(11),
        valid_from=date(2027, 1, 1),
    )
    slots = free_slots(
        mentor=mentor, start=utc(2027, 3, 7), end=utc(2027, 3, 17), length=HOUR, now=LONG_AGO
    )
    # then: 09:00 EST is 14:00 UTC, 09:00 EDT is 13:00 UTC
    assert starts(slots) == [
        utc(2027, 3, 8, 14),
        utc(2027, 3, 8, 15),
        utc(2027, 3, 15, 13),
        utc(2027, 3, 15, 14),
    ]


def test_a_mentor_in_kolkata_seen_across_the_london_change_stays_at_the_same_utc_time():
    # Kolkata has no DST: 18:00 IST is 12:30 UTC before and after London's change (28 March)
    mentor = MentorProfileFactory(horizon_days=180, timezone="Asia/Kolkata", slot_step_minutes=30)
    AvailabilityRuleFactory(
        mentor=mentor,
        rrule="FREQ=WEEKLY;BYDAY=SA",
        start_time=time(18),
        end_time=time(19),
        valid_from=date(2027, 1, 1),
    )
    slots = free_slots(
        mentor=mentor,
        start=utc(2027, 3, 26),
        end=utc(2027, 4, 4),
        length=timedelta(minutes=30),
        now=LONG_AGO,
    )
    assert starts(slots) == [
        utc(2027, 3, 27, 12, 30),
        utc(2027, 3, 27, 13),
        utc(2027, 4, 3, 12, 30),
        utc(2027, 4, 3, 13),
    ]


def test_exceptions_take_a_day_off_and_add_extra_hours():
    mentor = MentorProfileFactory(horizon_days=180, timezone="UTC", slot_step_minutes=60)
    AvailabilityRuleFactory(
        mentor=mentor,
        rrule="FREQ=DAILY",
        start_time=time(9),
        end_time=time(10),
        valid_from=date(2027, 1, 1),
    )
    AvailabilityExceptionFactory(mentor=mentor, date=date(2027, 2, 2), kind="off")
    AvailabilityExceptionFactory(
        mentor=mentor, date=date(2027, 2, 3), kind="extra", start_time=time(15), end_time=time(16)
    )
    slots = free_slots(
        mentor=mentor, start=utc(2027, 2, 1), end=utc(2027, 2, 4), length=HOUR, now=LONG_AGO
    )
    assert starts(slots) == [utc(2027, 2, 1, 9), utc(2027, 2, 3, 9), utc(2027, 2, 3, 15)]


def test_bookings_take_their_time_and_the_buffer_the_daily_cap_and_notice_apply():
    mentor = MentorProfileFactory(
        horizon_days=180,
        timezone="UTC",
        slot_step_minutes=30,
        buffer_minutes=30,
        max_sessions_per_day=2,
    )
    AvailabilityRuleFactory(
        mentor=mentor,
        rrule="FREQ=DAILY",
        start_time=time(9),
        end_time=time(13),
        valid_from=date(2027, 1, 1),
    )
    mentorship = MentorshipFactory(mentor=mentor.user)
    MentorSessionFactory(
        mentorship=mentorship, starts_at=utc(2027, 2, 1, 10), ends_at=utc(2027, 2, 1, 11)
    )
    day = free_slots(
        mentor=mentor, start=utc(2027, 2, 1), end=utc(2027, 2, 2), length=HOUR, now=LONG_AGO
    )
    # 09:30 would end at 10:30 (inside the session); 09:00 ends 10:00, inside the buffer
    assert starts(day) == [utc(2027, 2, 1, 11, 30), utc(2027, 2, 1, 12)]
    MentorSessionFactory(
        mentorship=mentorship, starts_at=utc(2027, 2, 1, 12), ends_at=utc(2027, 2, 1, 13)
    )
    assert (
        free_slots(
            mentor=mentor, start=utc(2027, 2, 1), end=utc(2027, 2, 2), length=HOUR, now=LONG_AGO
        )
        == []
    )
    # minimum notice: asked at 08:00 with four hours' notice, the first slot is at 12:00
    mentor.min_notice_minutes = 240
    mentor.save(update_fields=["min_notice_minutes"])
    later = free_slots(
        mentor=mentor,
        start=utc(2027, 2, 2),
        end=utc(2027, 2, 3),
        length=HOUR,
        now=utc(2027, 2, 2, 8),
    )
    assert starts(later)[0] == utc(2027, 2, 2, 12)


def test_slot_search_over_many_mentors_runs_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    mentors = [MentorProfileFactory(horizon_days=180) for _ in range(12)]
    for mentor in mentors:
        AvailabilityRuleFactory(mentor=mentor, valid_from=date(2027, 1, 1))
        AvailabilityExceptionFactory(mentor=mentor, date=date(2027, 2, 3))
    with django_assert_max_num_queries(4):
        found = free_slots_for_mentors(
            mentor_ids=[m.pk for m in mentors],
            start=utc(2027, 2, 1),
            end=utc(2027, 3, 1),
            length=HOUR,
            now=LONG_AGO,
        )
    assert all(len(slots) > 0 for slots in found.values()) and len(found) == 12
