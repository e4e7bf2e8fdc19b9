"""Free slots: weekly hours in the mentor's zone, exceptions, bookings, buffer, notice, cap."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


# --- both sides' daylight-saving changes, gaps, end dates, exceptions -------------------------


def _rule(mentor, rrule: str, start: time, end: time, **kw):
    return AvailabilityRuleFactory(
        mentor=mentor,
        rrule=rrule,
        start_time=start,
        end_time=end,
        valid_from=kw.pop("valid_from", date(2027, 1, 1)),
        **kw,
    )


def test_slots_london_mentor_seen_from_new_york_across_both_changes():
    # US clocks move on 14 March 2027, UK clocks on 28 March: for three weeks the gap is 4 h
    from mentorship.views_booking import slot_days

    mentor = MentorProfileFactory(horizon_days=180, timezone="Europe/London", slot_step_minutes=60)
    _rule(mentor, "FREQ=WEEKLY;BYDAY=MO", time(9), time(10))
    slots = free_slots(
        mentor=mentor, start=utc(2027, 3, 7), end=utc(2027, 4, 1), length=HOUR, now=LONG_AGO
    )
    # then: 09:00 in London is 09:00 UTC until the 28th, 08:00 UTC after
    assert starts(slots) == [
        utc(2027, 3, 8, 9),
        utc(2027, 3, 15, 9),
        utc(2027, 3, 22, 9),
        utc(2027, 3, 29, 8),
    ]
    days = slot_days(slots, viewer_zone="America/New_York", mentor_zone="Europe/London")
    # the student in New York: 04:00 EST, then 05:00 EDT twice, then 04:00 again
    assert [d["slots"][0]["time"] for d in days] == ["04:00", "05:00", "05:00", "04:00"]
    assert all(d["slots"][0]["mentor_time"].endswith("09:00") for d in days)


def test_slots_a_student_east_of_utc_sees_a_late_slot_on_the_next_day():
    from mentorship.views_booking import slot_days

    mentor = MentorProfileFactory(horizon_days=180, timezone="America/Los_Angeles")
    _rule(mentor, "FREQ=WEEKLY;BYDAY=MO", time(16), time(17))
    slots = free_slots(
        mentor=mentor, start=utc(2027, 2, 1), end=utc(2027, 2, 3), length=HOUR, now=LONG_AGO
    )
    days = slot_days(slots, viewer_zone="Asia/Kolkata", mentor_zone="America/Los_Angeles")
    # Monday 16:00 PST is Tuesday 05:30 IST
    assert days[0]["date"] == date(2027, 2, 2) and days[0]["slots"][0]["time"] == "05:30"


def test_slots_spring_forward_gap_starts_the_window_after_the_gap():
    # New York, Sunday 14 March 2027: 02:00 jumps to 03:00, so "02:30" does not exist
    mentor = MentorProfileFactory(
        horizon_days=180, timezone="America/New_York", slot_step_minutes=30
    )
    _rule(mentor, "FREQ=WEEKLY;BYDAY=SU", time(2, 30), time(4))
    half = timedelta(minutes=30)
    before = free_slots(
        mentor=mentor, start=utc(2027, 3, 7), end=utc(2027, 3, 8), length=half, now=LONG_AGO
    )
    gap_day = free_slots(
        mentor=mentor, start=utc(2027, 3, 14), end=utc(2027, 3, 15), length=half, now=LONG_AGO
    )
    # a normal Sunday: 02:30-04:00 EST is 07:30-09:00 UTC
    assert starts(before) == [utc(2027, 3, 7, 7, 30), utc(2027, 3, 7, 8), utc(2027, 3, 7, 8, 30)]
    # the change's day: open from 03:00 EDT (07:00 UTC) until 04:00 EDT (08:00 UTC)
    assert starts(gap_day) == [utc(2027, 3, 14, 7), utc(2027, 3, 14, 7, 30)]


def test_slots_fall_back_night_keeps_the_first_reading_of_a_repeated_hour():
    # New York, Sunday 7 November 2027: 01:00-02:00 happens twice
    mentor = MentorProfileFactory(
        horizon_days=365, timezone="America/New_York", slot_step_minutes=60
    )
    _rule(mentor, "FREQ=WEEKLY;BYDAY=SU", time(1), time(2))
    slots = free_slots(
        mentor=mentor, start=utc(2027, 11, 7), end=utc(2027, 11, 8), length=HOUR, now=LONG_AGO
    )
    # from 01:00 EDT (05:00 UTC) to 02:00 EST (07:00 UTC): the hour the clock repeats is open
    assert starts(slots) == [utc(2027, 11, 7, 5), utc(2027, 11, 7, 6)]


def test_slots_stop_after_valid_until_and_start_on_valid_from():
    mentor = MentorProfileFactory(horizon_days=180, timezone="Asia/Tokyo", slot_step_minutes=60)
    _rule(
        mentor,
        "FREQ=DAILY",
        time(10),
        time(11),
        valid_from=date(2027, 2, 2),
        valid_until=date(2027, 2, 4),
    )
    slots = free_slots(
        mentor=mentor, start=utc(2027, 1, 30), end=utc(2027, 2, 10), length=HOUR, now=LONG_AGO
    )
    # 10:00 in Tokyo is 01:00 UTC, on the 2nd, 3rd and 4th only (the last day included)
    assert starts(slots) == [utc(2027, 2, 2, 1), utc(2027, 2, 3, 1), utc(2027, 2, 4, 1)]


def test_slots_exceptions_are_in_the_mentors_zone():
    # a Kolkata mentor: a day off on the 2nd removes the local day, not the UTC one; some
    # hours off on the 3rd; extra hours on Sunday the 7th
    mentor = MentorProfileFactory(horizon_days=180, timezone="Asia/Kolkata", slot_step_minutes=60)
    _rule(mentor, "FREQ=WEEKLY;BYDAY=MO,TU,WE", time(9), time(12))
    AvailabilityExceptionFactory(mentor=mentor, date=date(2027, 2, 2), kind="off")
    AvailabilityExceptionFactory(
        mentor=mentor, date=date(2027, 2, 3), kind="off", start_time=time(10), end_time=time(11)
    )
    AvailabilityExceptionFactory(
        mentor=mentor, date=date(2027, 2, 7), kind="extra", start_time=time(18), end_time=time(19)
    )
    slots = free_slots(
        mentor=mentor, start=utc(2027, 2, 1), end=utc(2027, 2, 8), length=HOUR, now=LONG_AGO
    )
    ist = [s.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%a %H:%M") for s in starts(slots)]
    assert ist == ["Mon 09:00", "Mon 10:00", "Mon 11:00", "Wed 09:00", "Wed 11:00", "Sun 18:00"]


def test_slots_keep_their_grid_whatever_time_the_search_starts():
    mentor = MentorProfileFactory(horizon_days=180, timezone="UTC", slot_step_minutes=30)
    _rule(mentor, "FREQ=DAILY", time(9), time(11))
    slots = free_slots(
        mentor=mentor,
        start=utc(2027, 2, 1, 9, 17),
        end=utc(2027, 2, 1, 12),
        length=HOUR,
        now=LONG_AGO,
    )
    # not 09:17: slots start every 30 minutes from 09:00
    assert starts(slots) == [utc(2027, 2, 1, 9, 30), utc(2027, 2, 1, 10)]


def test_slots_skip_the_mentees_own_sessions():
    mentor = MentorProfileFactory(horizon_days=180, timezone="UTC", slot_step_minutes=60)
    _rule(mentor, "FREQ=DAILY", time(9), time(12))
    busy = MentorSessionFactory(starts_at=utc(2027, 2, 1, 10), ends_at=utc(2027, 2, 1, 11))
    slots = free_slots(
        mentor=mentor,
        start=utc(2027, 2, 1),
        end=utc(2027, 2, 2),
        length=HOUR,
        now=LONG_AGO,
        mentee_id=busy.mentee_id,
    )
    assert starts(slots) == [utc(2027, 2, 1, 9), utc(2027, 2, 1, 11)]
