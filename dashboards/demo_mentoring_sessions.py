"""Demo weekly hours and bookings: the demo student's session tomorrow (booking area).

Everything goes through the booking services and runs again safely: a mentor who already has
weekly hours keeps them, an open mentorship of the pair is reused, and a booked session
tomorrow is not booked twice.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from mentorship.models import MentorProfile, MentorSession, Mentorship
from mentorship.selectors.slots import free_slots
from mentorship.services.availability import availability_rule_create
from mentorship.services.booking import session_book

DEMO_MENTOR_EMAIL = "mentor@example.com"
EVERY_DAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# (days, from, until) per mentor, in each mentor's own zone: the demo mentor every day, so
# "tomorrow" always has hours; the others on different days and times
HOURS = [
    (EVERY_DAY, time(9), time(17)),
    (["MO", "WE", "FR"], time(14), time(19)),
    (["TU", "TH", "SA"], time(7), time(11)),
]


def _profile(mentor: Any) -> MentorProfile | None:
    if isinstance(mentor, MentorProfile):
        return mentor
    return MentorProfile.objects.filter(user_id=mentor.pk).first()


def _weekly_hours(profiles: list[MentorProfile]) -> None:
    for index, profile in enumerate(profiles):
        if profile.availability_rules.exists():
            continue
        days, start, end = HOURS[index % len(HOURS)]
        availability_rule_create(
            user=profile.user,
            weekdays=days,
            start_time=start,
            end_time=end,
            valid_from=timezone.localdate() - timedelta(days=7),
        )


def _mentorship(*, profile: MentorProfile, student: Any) -> Mentorship:
    """The pair's open mentorship (the directory's accept service may have made it)."""
    found = Mentorship.objects.filter(
        mentor_id=profile.user_id,
        mentee=student,
        status__in=(Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED),
    ).first()
    if found is not None:
        return found
    mentorship = Mentorship(
        mentor_id=profile.user_id,
        mentee=student,
        started_on=timezone.localdate() - timedelta(days=21),
    )
    mentorship.full_clean()
    mentorship.save()
    return mentorship


def _tomorrow(profile: MentorProfile) -> tuple[datetime, datetime]:
    tz = ZoneInfo(profile.timezone)
    day: date = timezone.now().astimezone(tz).date() + timedelta(days=1)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    return start, start + timedelta(days=1)


def _book_tomorrow(*, mentorship: Mentorship, profile: MentorProfile, student: Any) -> None:
    start, end = _tomorrow(profile)
    if MentorSession.objects.filter(
        mentorship=mentorship,
        status=MentorSession.Status.BOOKED,
        starts_at__gte=start,
        starts_at__lt=end,
    ).exists():
        return
    if mentorship.status != Mentorship.Status.ACTIVE:
        return
    length = max(profile.session_lengths or [60])
    slots = free_slots(
        mentor=profile,
        start=start,
        end=end,
        length=timedelta(minutes=length),
        mentee_id=student.pk,
    )
    if not slots:
        return
    # a late-morning slot of the mentor's day when there is one
    chosen = slots[min(len(slots) - 1, 2)]
    session_book(
        mentorship=mentorship,
        by=student,
        starts_at=chosen.starts_at,
        length_minutes=length,
        agenda="Review my project plan and the next milestone.",
    )


def seed_mentoring_sessions(*, mentors: list[Any], student: Any, learners: list[Any]) -> None:
    """Weekly hours for every mentor, the demo student's mentorship with the demo mentor and
    a session booked tomorrow. Nothing without mentors."""
    profiles = [p for p in (_profile(m) for m in mentors) if p is not None]
    if not profiles or student is None:
        return
    _weekly_hours(profiles)
    demo = next((p for p in profiles if p.user.email == DEMO_MENTOR_EMAIL), profiles[0])
    mentorship = _mentorship(profile=demo, student=student)
    _book_tomorrow(mentorship=mentorship, profile=demo, student=student)
