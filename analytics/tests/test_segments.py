"""Segment rules: validation and evaluation on known data, each rule type and combinations."""

import jsonschema
import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory
from analytics.models import Event
from analytics.segments import rules_json_schema, rules_validate, segment_users
from analytics.services.campaigns import segment_rules_clean
from analytics.tests.campaign_helpers import ago
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def ids(rules) -> set[int]:
    return set(segment_users(rules).values_list("pk", flat=True))


def all_of(*rules) -> dict:
    return {"match": "all", "rules": list(rules)}


@pytest.fixture
def people():
    course = CourseFactory()
    old = ago(days=60)
    fresh = UserFactory(language="hi", roles=("Student",))
    stalled = UserFactory(language="en", date_joined=old, last_login=ago(days=20))
    done = UserFactory(language="en", date_joined=old, last_login=ago(days=1))
    outsider = UserFactory(
        language="hi", date_joined=old, last_login=ago(days=30), roles=("Mentor",)
    )
    EnrollmentFactory(user=fresh, course=course, progress_percent=10, last_viewed_at=ago(hours=1))
    EnrollmentFactory(user=stalled, course=course, progress_percent=30, last_viewed_at=ago(days=15))
    EnrollmentFactory(
        user=done, course=course, status="completed", completed_at=ago(days=2), progress_percent=100
    )
    return {"course": course, "fresh": fresh, "stalled": stalled, "done": done, "out": outsider}


def test_segment_each_rule_type_selects_the_known_people(people):
    c = people["course"].pk
    p = {k: v.pk for k, v in people.items() if k != "course"}
    assert ids(all_of({"type": "enrolled_in", "course": c})) == {
        p["fresh"],
        p["stalled"],
        p["done"],
    }
    assert p["out"] in ids(all_of({"type": "not_enrolled_in", "course": c}))
    assert ids(all_of({"type": "completed", "course": c})) == {p["done"]}
    assert p["done"] not in ids(all_of({"type": "not_completed", "course": c}))
    assert ids(all_of({"type": "progress_below", "course": c, "percent": 20})) == {p["fresh"]}
    assert ids(all_of({"type": "signed_up_within_days", "days": 7})) == {p["fresh"]}
    assert ids(all_of({"type": "language", "language": "hi"})) == {p["fresh"], p["out"]}
    assert ids(all_of({"type": "role", "role": "Mentor"})) == {p["out"]}
    inactive = ids(all_of({"type": "inactive_days", "days": 7}))
    # fresh opened a lesson an hour ago, done signed in yesterday
    assert p["stalled"] in inactive and p["out"] in inactive
    assert p["fresh"] not in inactive and p["done"] not in inactive
    assert p["fresh"] in ids(all_of({"type": "active_within_days", "days": 7}))


def test_segment_activity_counts_recorded_events(people):
    # given the outsider did something recorded in the event stream yesterday
    Event.objects.create(
        occurred_at=ago(days=1), actor=people["out"], verb="course_viewed", object_type="course"
    )
    assert people["out"].pk not in ids(all_of({"type": "inactive_days", "days": 7}))


def test_segment_combines_and_or_groups(people):
    c = people["course"].pk
    stalled_not_done = all_of(
        {"type": "enrolled_in", "course": c},
        {"type": "inactive_days", "days": 7},
        {"type": "not_completed", "course": c},
    )
    assert ids(stalled_not_done) == {people["stalled"].pk}
    either = all_of(
        {"type": "enrolled_in", "course": c},
        {
            "match": "any",
            "rules": [
                {"type": "language", "language": "hi"},
                {"type": "completed", "course": c},
            ],
        },
    )
    assert ids(either) == {people["fresh"].pk, people["done"].pk}


def test_segment_evaluation_is_one_query(people, django_assert_num_queries):
    rules = all_of(
        {"type": "enrolled_in", "course": people["course"].pk},
        {"type": "inactive_days", "days": 7},
        {"type": "role", "role": "Student"},
    )
    with django_assert_num_queries(1):
        segment_users(rules).count()


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        ({"match": "all", "rules": []}, "at least one rule"),
        ({"match": "maybe", "rules": [{"type": "language", "language": "hi"}]}, "match"),
        ({"match": "all", "rules": [{"type": "nope"}]}, "unknown rule type"),
        ({"match": "all", "rules": [{"type": "inactive_days", "days": 0}]}, "days"),
        ({"match": "all", "rules": [{"type": "inactive_days", "days": "7"}]}, "days"),
        ({"match": "all", "rules": [{"type": "language", "language": "xx"}]}, "language"),
        ({"match": "all", "rules": [{"type": "role", "role": "King"}]}, "role"),
        ({"match": "all", "rules": [{"type": "language", "language": "hi", "x": 1}]}, "unknown"),
        ("not an object", "match"),
    ],
)
def test_rules_validate_refuses_bad_rules_with_messages(rules, fragment):
    with pytest.raises(ValidationError) as caught:
        rules_validate(rules)
    assert any(fragment in message for message in caught.value.errors["rules"])


def test_rules_refuse_a_course_that_does_not_exist():
    with pytest.raises(ValidationError) as caught:
        segment_rules_clean(all_of({"type": "enrolled_in", "course": 999999}))
    assert "no such course" in caught.value.errors["rules"][0]


def test_rules_refuse_groups_nested_twice():
    inner = {"match": "any", "rules": [{"type": "language", "language": "hi"}]}
    with pytest.raises(ValidationError):
        rules_validate(all_of({"match": "all", "rules": [inner]}))


def test_published_json_schema_agrees_with_the_validator(people):
    schema = rules_json_schema()
    good = all_of(
        {"type": "enrolled_in", "course": people["course"].pk},
        {"match": "any", "rules": [{"type": "language", "language": "hi"}]},
    )
    jsonschema.validate(good, schema)
    rules_validate(good)
    bad = all_of({"type": "inactive_days", "days": 0})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    Group.objects.get_or_create(name="Student")
