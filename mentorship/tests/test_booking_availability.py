"""Availability services: a mentor's own weekly rules and exceptions."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError

from accounts.tests.factories import UserFactory
from kalpla.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from mentorship.services.availability import (
    availability_exception_create,
    availability_exception_delete,
    availability_exception_update,
    availability_rule_create,
    availability_rule_delete,
    availability_rule_update,
    weekly_rrule,
)
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


def test_weekly_rrule_orders_days_and_refuses_unknown_ones():
    assert weekly_rrule(["fr", "MO"]) == "FREQ=WEEKLY;BYDAY=MO,FR"
    with pytest.raises(ValidationError):
        weekly_rrule([])
    with pytest.raises(ValidationError):
        weekly_rrule(["XX"])


def test_availability_rule_create_from_weekdays_or_a_raw_rule():
    mentor = MentorProfileFactory().user
    rule = availability_rule_create(
        user=mentor, weekdays=["WE"], start_time=time(9), end_time=time(11)
    )
    assert rule.rrule == "FREQ=WEEKLY;BYDAY=WE" and rule.valid_from == date.today()
    raw = availability_rule_create(
        user=mentor,
        rrule="freq=weekly;interval=2;byday=tu",
        start_time=time(9),
        end_time=time(11),
        valid_from=date(2027, 1, 1),
    )
    assert raw.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"


@pytest.mark.parametrize(
    "fields",
    [
        {"rrule": "FREQ=WEEKLY;COUNT=3", "start_time": time(9), "end_time": time(10)},
        {"rrule": "FREQ=NEVER", "start_time": time(9), "end_time": time(10)},
        {"weekdays": ["MO"], "start_time": time(10), "end_time": time(9)},
        {
            "weekdays": ["MO"],
            "start_time": time(9),
            "end_time": time(10),
            "valid_from": date(2027, 2, 1),
            "valid_until": date(2027, 1, 1),
        },
    ],
)
def test_availability_rule_create_refuses_bad_rules(fields):
    mentor = MentorProfileFactory().user
    with pytest.raises(DjangoValidationError):
        availability_rule_create(user=mentor, **fields)


def test_availability_rules_are_the_mentors_own():
    mentor = MentorProfileFactory().user
    rule = availability_rule_create(
        user=mentor, weekdays=["MO"], start_time=time(9), end_time=time(10)
    )
    with pytest.raises(PermissionDenied):
        availability_rule_create(
            user=UserFactory(), weekdays=["MO"], start_time=time(9), end_time=time(10)
        )
    with pytest.raises(Conflict):
        availability_rule_create(
            user=UserFactory(roles=("Mentor",)),
            weekdays=["MO"],
            start_time=time(9),
            end_time=time(10),
        )
    other = MentorProfileFactory().user
    with pytest.raises(NotFound):
        availability_rule_update(user=other, rule_id=rule.pk, end_time=time(11))
    with pytest.raises(NotFound):
        availability_rule_delete(user=other, rule_id=rule.pk)
    updated = availability_rule_update(user=mentor, rule_id=rule.pk, weekdays=["SA", "SU"])
    assert updated.rrule == "FREQ=WEEKLY;BYDAY=SA,SU"
    availability_rule_delete(user=mentor, rule_id=rule.pk)
    assert not mentor.mentor_profile.availability_rules.exists()


def test_availability_exceptions_validate_their_times():
    mentor = MentorProfileFactory().user
    day_off = availability_exception_create(user=mentor, date=date(2027, 2, 2))
    assert day_off.start_time is None and day_off.end_time is None  # the whole day
    with pytest.raises(DjangoValidationError):
        availability_exception_create(user=mentor, date=date(2027, 2, 3), kind="extra")
    with pytest.raises(DjangoValidationError):
        availability_exception_update(user=mentor, exception_id=day_off.pk, start_time=time(9))
    hours = availability_exception_update(
        user=mentor, exception_id=day_off.pk, start_time=time(9), end_time=time(10)
    )
    assert hours.start_time == time(9)
    with pytest.raises(NotFound):
        availability_exception_delete(user=MentorProfileFactory().user, exception_id=day_off.pk)
    availability_exception_delete(user=mentor, exception_id=day_off.pk)
