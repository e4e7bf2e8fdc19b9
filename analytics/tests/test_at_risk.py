"""At-risk learners on known data, nudging (permissions, logging, the daily guard), the page
and the API, with bounded queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from analytics.models import Nudge
from analytics.selectors.at_risk import at_risk_learners
from analytics.services.at_risk import nudge_send
from analytics.tests.campaign_helpers import ago
from assessments.models import CourseGrade
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import CohortFactory, EnrollmentFactory
from kalpla.exceptions import Conflict, NotFound, PermissionDenied
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def enroll(course, *, days=30, viewed_days=1, progress=50, **fields):
    enrollment = EnrollmentFactory(
        course=course,
        progress_percent=progress,
        last_viewed_at=ago(days=viewed_days) if viewed_days is not None else None,
        **fields,
    )
    type(enrollment).objects.filter(pk=enrollment.pk).update(created_at=ago(days=days))
    return enrollment.user


@pytest.fixture
def course():
    return CourseFactory(instructors=[UserFactory(roles=("Mentor",))])


def reasons(course) -> dict[int, list[str]]:
    return {x.user_id: x.reasons for x in at_risk_learners(course_id=course.pk)}


def test_at_risk_finds_inactive_behind_and_failing(course):
    # given peers enrolled a month ago at 50-60%, one who stopped, one far behind, one failing
    fine = [enroll(course, progress=p) for p in (50, 55, 60)]
    idle = enroll(course, viewed_days=12, progress=50)
    behind = enroll(course, progress=10)
    failing = enroll(course, progress=55)
    CourseGrade.objects.create(
        course=course,
        student=failing,
        percent=Decimal("31"),
        passed=False,
        updated_at=timezone.now(),
    )
    CourseGrade.objects.create(
        course=course,
        student=fine[0],
        percent=Decimal("80"),
        passed=True,
        updated_at=timezone.now(),
    )
    found = reasons(course)
    assert found == {idle.pk: ["inactive"], behind.pk: ["behind"], failing.pk: ["failing"]}


def test_at_risk_cohort_pace_uses_the_cohort_calendar(course):
    now = timezone.now()
    cohort = CohortFactory(
        course=course, starts_at=now - timedelta(days=20), ends_at=now + timedelta(days=20)
    )
    # half the cohort's time is gone: 50% expected, 20 points of margin
    late = enroll(course, cohort=cohort, progress=20)
    ok = enroll(course, cohort=cohort, progress=35)
    found = reasons(course)
    assert found.get(late.pk) == ["behind"] and ok.pk not in found


def test_at_risk_never_viewed_counts_from_enrollment_and_completed_are_left_out(course):
    never = enroll(course, viewed_days=None, days=10)
    new = enroll(course, viewed_days=None, days=2)
    enroll(course, viewed_days=30, status="completed", progress=100)
    found = reasons(course)
    assert "inactive" in found[never.pk] and new.pk not in found
    assert len(found) == 1


def test_at_risk_runs_a_fixed_number_of_queries(course, django_assert_max_num_queries):
    for i in range(30):
        enroll(course, viewed_days=10 + i, progress=i)
    with django_assert_max_num_queries(3):
        assert len(at_risk_learners(course_id=course.pk)) == 30


def test_nudge_sends_logs_and_guards_a_day(course, django_capture_on_commit_callbacks):
    mentor = course.instructors.get()
    idle = enroll(course, viewed_days=12)
    outcome = nudge_send(actor=mentor, course=course, learner_ids=[idle.pk])
    nudge = Nudge.objects.get()
    assert [n.learner_id for n in outcome.nudged] == [idle.pk]
    assert (nudge.nudged_by, nudge.reasons) == (mentor, ["inactive"])
    note = Notification.objects.get(pk=nudge.notification_id)
    assert note.recipient == idle and note.kind == "analytics.at_risk_nudge"
    assert course.title in note.title
    # twice within a day: refused alone, skipped in the whole list
    with pytest.raises(Conflict):
        nudge_send(actor=mentor, course=course, learner_ids=[idle.pk])
    other = enroll(course, viewed_days=9)
    outcome = nudge_send(actor=mentor, course=course)
    assert [n.learner_id for n in outcome.nudged] == [other.pk]
    assert outcome.skipped == [idle.pk]
    assert at_risk_learners(course_id=course.pk)[0].last_nudged_at is not None
    # a day later the guard lifts
    Nudge.objects.update(created_at=ago(hours=25))
    assert len(nudge_send(actor=mentor, course=course, learner_ids=[idle.pk]).nudged) == 1


def test_a_mentor_cannot_nudge_another_course_or_a_learner_not_at_risk(course):
    idle = enroll(course, viewed_days=12)
    other_course = CourseFactory(instructors=[UserFactory(roles=("Mentor",))])
    stranger = enroll(other_course, viewed_days=12)
    outsider = other_course.instructors.get()
    with pytest.raises(PermissionDenied):
        nudge_send(actor=outsider, course=course, learner_ids=[idle.pk])
    with pytest.raises(PermissionDenied):
        nudge_send(actor=UserFactory(roles=("Student",)), course=course)
    mentor = course.instructors.get()
    with pytest.raises(NotFound):
        nudge_send(actor=mentor, course=course, learner_ids=[stranger.pk])
    assert not Nudge.objects.exists()


# --- pages and API -----------------------------------------------------------------------


def test_at_risk_page_lists_reasons_for_the_mentor_only(
    client, course, django_assert_max_num_queries
):
    for i in range(15):
        enroll(course, viewed_days=10 + i)
    client.force_login(course.instructors.get())
    with django_assert_max_num_queries(20):
        response = client.get(f"/analytics/courses/{course.pk}/at-risk/")
    assert response.status_code == 200
    assert response.content.decode().count("Inactive") >= 15
    client.force_login(UserFactory(roles=("Mentor",)))
    assert client.get(f"/analytics/courses/{course.pk}/at-risk/").status_code == 403
    client.force_login(UserFactory(roles=("Student",)))
    assert client.get(f"/analytics/courses/{course.pk}/at-risk/").status_code == 403


def test_nudge_page_confirms_then_nudges(client, course):
    idle = enroll(course, viewed_days=12)
    client.force_login(course.instructors.get())
    url = f"/analytics/courses/{course.pk}/at-risk/nudge/"
    confirm = client.get(url, {"learner": idle.pk})
    assert confirm.status_code == 200 and b"Send the nudge" in confirm.content
    assert not Nudge.objects.exists()
    response = client.post(url, {"learner": idle.pk}, follow=True)
    assert b"1 learner nudged." in response.content
    assert b"nudged" in client.get(f"/analytics/courses/{course.pk}/at-risk/").content
    again = client.post(url, {"learner": idle.pk}, follow=True)
    assert b"less than a day ago" in again.content
    assert Nudge.objects.count() == 1


def test_at_risk_api_and_nudges_api(client, course, django_assert_max_num_queries):
    learners = [enroll(course, viewed_days=10 + i) for i in range(12)]
    client.force_login(course.instructors.get())
    with django_assert_max_num_queries(15):
        response = client.get(f"/api/v1/analytics/courses/{course.pk}/at-risk/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 12
    first = body["results"][0]
    assert set(first) == {
        "learner",
        "reasons",
        "progress",
        "expected_progress",
        "last_active_at",
        "enrolled_at",
        "last_nudged_at",
    }
    assert first["reasons"] == ["inactive"] and first["last_active_at"].endswith("Z")
    nudge = client.post(
        f"/api/v1/analytics/courses/{course.pk}/nudges/",
        {"learner_ids": [learners[0].pk]},
        content_type="application/json",
    )
    assert nudge.status_code == 201 and nudge.json() == {"nudged": [learners[0].pk], "skipped": []}
    again = client.post(
        f"/api/v1/analytics/courses/{course.pk}/nudges/",
        {"learner_ids": [learners[0].pk]},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "nudged_recently"
    bad = client.post(
        f"/api/v1/analytics/courses/{course.pk}/nudges/",
        {"learner_ids": ["x"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "learner_ids.0" in bad.json()["errors"]
    client.force_login(UserFactory(roles=("Mentor",)))
    assert client.get(f"/api/v1/analytics/courses/{course.pk}/at-risk/").status_code == 403
    assert client.post(f"/api/v1/analytics/courses/{course.pk}/nudges/", {}).status_code == 403
    assert client.get("/api/v1/analytics/courses/999999/at-risk/").status_code == 404
