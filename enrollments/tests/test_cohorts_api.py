"""Cohorts API: listing with seats and my place, enrolling into a cohort, the waitlist,
offers, managing cohorts (shape, status codes, permissions, query budgets)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory
from enrollments.cohorts import waitlist
from enrollments.models import Cohort, Enrollment, WaitlistEntry
from enrollments.services import enrollment_cancel
from enrollments.tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def mentor(db):
    return UserFactory(roles=("Mentor",))


@pytest.fixture
def course(mentor):
    return CourseFactory(slug="py", requires_cohort=True, instructors=[mentor])


def _full(course, capacity=1, name="Full") -> Cohort:
    cohort = CohortFactory(course=course, capacity=capacity, name=name)
    for _ in range(capacity):
        EnrollmentFactory(course=course, cohort=cohort)
    return cohort


def test_cohort_list_shape_with_seats_and_my_place(api_client, student, course):
    full = _full(course)
    open_ = CohortFactory(course=course, capacity=None, name="Open")
    waitlist.waitlist_join(user=student, cohort=full)

    anonymous = api_client.get("/api/v1/courses/py/cohorts/")
    mine = _client(student).get("/api/v1/courses/py/cohorts/")

    assert anonymous.status_code == 200
    rows = {row["name"]: row for row in mine.json()}
    assert rows["Full"]["seats_left"] == 0 and rows["Full"]["seats_taken"] == 1
    assert rows["Full"]["waitlist_count"] == 1
    assert rows["Full"]["my_place"] == {
        "status": "waiting",
        "position": 1,
        "offer_expires_at": None,
    }
    assert rows["Open"]["seats_left"] is None and rows["Open"]["my_place"] is None
    assert rows["Open"]["enrollment_open"] is True
    assert rows["Open"]["id"] == open_.pk and rows["Open"]["course"] == "py"
    assert {row["name"] for row in anonymous.json()} == {"Full", "Open"}


def test_cohort_list_queries_do_not_grow(api_client, course, django_assert_max_num_queries):
    for n in range(8):
        _full(course, capacity=2, name=f"Run {n}")
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/courses/py/cohorts/")
    assert len(response.json()) == 8


def test_cohort_list_of_a_draft_course_is_404(api_client, mentor):
    CourseFactory(slug="draft", status=Course.Status.DRAFT, instructors=[mentor])
    assert api_client.get("/api/v1/courses/draft/cohorts/").status_code == 404
    assert _client(mentor).get("/api/v1/courses/draft/cohorts/").status_code == 200


def test_enroll_requires_a_cohort_then_takes_it(student_api, course):
    cohort = CohortFactory(course=course, capacity=5)

    missing = student_api.post("/api/v1/courses/py/enroll/", {}, format="json")
    other = student_api.post(
        "/api/v1/courses/py/enroll/", {"cohort": CohortFactory().pk}, format="json"
    )
    done = student_api.post("/api/v1/courses/py/enroll/", {"cohort": cohort.pk}, format="json")

    assert missing.status_code == 400 and missing.json()["code"] == "cohort_required"
    assert "cohort" in missing.json()["errors"]
    assert other.status_code == 400 and other.json()["code"] == "invalid_cohort"
    assert done.status_code == 201
    assert Enrollment.objects.get(pk=done.json()["id"]).cohort == cohort


def test_enroll_full_or_closed_cohort_is_409(student_api, course):
    full = _full(course)
    closed = CohortFactory(course=course, closes_at=timezone.now() - timedelta(hours=1))
    closed.opens_at = timezone.now() - timedelta(days=2)
    closed.save()

    response = student_api.post("/api/v1/courses/py/enroll/", {"cohort": full.pk}, format="json")
    late = student_api.post("/api/v1/courses/py/enroll/", {"cohort": closed.pk}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "cohort_full"
    assert "waitlist" in response.json()["message"]
    assert late.status_code == 409 and late.json()["code"] == "enrollment_closed"


def test_waitlist_join_leave(student_api, student, course):
    full = _full(course)
    url = f"/api/v1/cohorts/{full.pk}/waitlist/"

    joined = student_api.post(url)
    again = student_api.post(url)
    left = student_api.delete(url)
    gone = student_api.delete(url)

    assert joined.status_code == 201
    assert joined.json()["status"] == "waiting" and joined.json()["position"] == 1
    assert again.status_code == 200 and again.json()["id"] == joined.json()["id"]
    assert left.status_code == 204
    assert gone.status_code == 404 and gone.json()["code"] == "not_waiting"


def test_waitlist_join_with_seats_free_is_409(student_api, course):
    cohort = CohortFactory(course=course, capacity=3)
    response = student_api.post(f"/api/v1/cohorts/{cohort.pk}/waitlist/")
    assert response.status_code == 409 and response.json()["code"] == "seats_available"


def test_offer_accept_on_a_free_course_enrolls(student_api, student, course):
    full = _full(course)
    waitlist.waitlist_join(user=student, cohort=full)
    # the first in line could not be enrolled at once: an offer instead (made by hand here)
    entry = WaitlistEntry.objects.get(user=student)
    entry.status = WaitlistEntry.Status.OFFERED
    entry.offer_expires_at = timezone.now() + timedelta(hours=1)
    entry.save()
    enrollment_cancel(enrollment=Enrollment.objects.get(cohort=full))

    response = student_api.post(f"/api/v1/cohorts/{full.pk}/offer/accept/")

    assert response.status_code == 201
    assert Enrollment.objects.get(user=student).cohort == full


def test_offer_accept_on_a_paid_course_is_402_and_decline_passes_it_on(mentor):
    course = CourseFactory(price="20.00", instructors=[mentor])
    full = _full(course)
    first, second = UserFactory(), UserFactory()
    waitlist.waitlist_join(user=first, cohort=full)
    waitlist.waitlist_join(user=second, cohort=full)
    enrollment_cancel(enrollment=Enrollment.objects.get(cohort=full))

    paid = _client(first).post(f"/api/v1/cohorts/{full.pk}/offer/accept/")
    declined = _client(first).post(f"/api/v1/cohorts/{full.pk}/offer/decline/")
    none = _client(first).post(f"/api/v1/cohorts/{full.pk}/offer/decline/")

    assert paid.status_code == 402 and paid.json()["code"] == "payment_required"
    assert declined.status_code == 204
    assert none.status_code == 409 and none.json()["code"] == "no_offer"
    assert WaitlistEntry.objects.get(user=second).status == WaitlistEntry.Status.OFFERED


def test_cohort_create_and_update_for_the_course_editors(mentor, student_api, course):
    body = {
        "name": "Spring",
        "starts_at": "2027-03-01T09:00:00Z",
        "ends_at": "2027-05-01T09:00:00Z",
        "capacity": 2,
    }

    refused = student_api.post("/api/v1/courses/py/cohorts/", body, format="json")
    created = _client(mentor).post("/api/v1/courses/py/cohorts/", body, format="json")
    bad = _client(mentor).post(
        "/api/v1/courses/py/cohorts/",
        {**body, "name": "Other", "ends_at": "2027-01-01T00:00:00Z"},
        format="json",
    )
    cohort_id = created.json()["id"]
    changed = _client(mentor).patch(
        f"/api/v1/cohorts/{cohort_id}/", {"capacity": None, "is_active": False}, format="json"
    )

    assert refused.status_code == 403
    assert created.status_code == 201 and created.json()["seats_left"] == 2
    assert bad.status_code == 400 and "A cohort ends after it starts." in str(bad.json())
    assert changed.status_code == 200
    assert changed.json()["capacity"] is None and changed.json()["is_active"] is False


def test_roster_and_queue_are_for_the_course_editors(
    mentor, student_api, course, django_assert_max_num_queries
):
    full = _full(course, capacity=6)
    for _ in range(4):
        waitlist.waitlist_join(user=UserFactory(), cohort=full)
    client = _client(mentor)

    with django_assert_max_num_queries(8):
        roster = client.get(f"/api/v1/cohorts/{full.pk}/roster/")
    with django_assert_max_num_queries(8):
        queue = client.get(f"/api/v1/cohorts/{full.pk}/waitlist/queue/")

    assert roster.status_code == 200 and roster.json()["count"] == 6
    assert set(roster.json()["results"][0]) >= {"id", "student", "status", "origin"}
    assert [row["position"] for row in queue.json()] == [1, 2, 3, 4]
    assert student_api.get(f"/api/v1/cohorts/{full.pk}/roster/").status_code == 403
    assert student_api.get(f"/api/v1/cohorts/{full.pk}/waitlist/queue/").status_code == 403


def test_enrollment_cohort_switch(mentor, student_api, course):
    old, new = CohortFactory(course=course), CohortFactory(course=course)
    enrollment = EnrollmentFactory(course=course, cohort=old)
    url = f"/api/v1/enrollments/{enrollment.pk}/cohort/"

    refused = student_api.post(url, {"cohort": new.pk}, format="json")
    invalid = _client(mentor).post(url, {"cohort": CohortFactory().pk}, format="json")
    moved = _client(mentor).post(url, {"cohort": new.pk}, format="json")

    assert refused.status_code == 403
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid_cohort"
    assert moved.status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.cohort == new
