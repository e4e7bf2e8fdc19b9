"""Buying a seat in a cohort: the cohort is checked before paying, the payment enrolls in
it, and a seat a waitlist offered is the buyer's to pay for."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from commerce.services.orders import order_create, payment_record
from commerce.tests.factories import paid_course
from enrollments.models import Enrollment, WaitlistEntry
from enrollments.services import enrollment_cancel
from enrollments.tests.factories import CohortFactory, EnrollmentFactory
from kalpla.exceptions import Conflict, ValidationError

pytestmark = pytest.mark.django_db


def pay(order):
    return payment_record(
        order=order,
        gateway="stripe",
        payment_id=f"pay-{order.pk}",
        amount=order.total,
        currency=order.currency,
    )


def test_a_course_that_requires_a_cohort_is_bought_into_one():
    course = paid_course(requires_cohort=True)
    spring = CohortFactory(course=course, name="Spring", capacity=2)
    buyer = UserFactory()
    with pytest.raises(ValidationError) as missing:
        order_create(user=buyer, course=course)
    assert missing.value.code == "cohort_required"
    other = CohortFactory()  # another course's
    with pytest.raises(ValidationError) as wrong:
        order_create(user=buyer, course=course, cohort_id=other.pk)
    assert wrong.value.code == "invalid_cohort"
    order = order_create(user=buyer, course=course, cohort_id=spring.pk)
    assert order.items.get().cohort_id == spring.pk
    pay(order)
    enrollment = Enrollment.objects.get(user=buyer, course=course)
    assert enrollment.cohort_id == spring.pk and enrollment.source == "paid"
    assert enrollment.grant_reference == f"order:{order.pk}"


def test_a_full_cohort_is_refused_before_paying_unless_a_seat_is_offered(settings):
    course = paid_course()
    cohort = CohortFactory(course=course, capacity=1)
    holder = EnrollmentFactory(course=course, cohort=cohort)
    waiting = UserFactory()
    with pytest.raises(Conflict) as full:
        order_create(user=waiting, course=course, cohort_id=cohort.pk)
    assert full.value.code == "cohort_full"
    entry = WaitlistEntry.objects.create(cohort=cohort, user=waiting)
    # the holder leaves: the seat is offered to the first person waiting (a paid course)
    enrollment_cancel(enrollment=holder)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    # someone else cannot buy the held seat; the person offered it can
    with pytest.raises(Conflict):
        order_create(user=UserFactory(), course=course, cohort_id=cohort.pk)
    order = order_create(user=waiting, course=course, cohort_id=cohort.pk)
    pay(order)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.ENROLLED
    assert Enrollment.objects.get(user=waiting, course=course).cohort_id == cohort.pk


def test_orders_api_takes_the_cohort():
    course = paid_course(requires_cohort=True)
    cohort = CohortFactory(course=course)
    client = APIClient()
    client.force_authenticate(UserFactory())
    refused = client.post("/api/v1/orders/", {"course": course.slug}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "cohort_required"
    assert "cohort" in refused.json()["errors"]
    made = client.post(
        "/api/v1/orders/", {"course": course.slug, "cohort": cohort.pk}, format="json"
    )
    assert made.status_code == 201, made.json()


def test_checkout_page_offers_the_open_cohorts(client):
    course = paid_course(requires_cohort=True)
    CohortFactory(course=course, name="Spring", capacity=3)
    client.force_login(UserFactory())
    page = client.get(f"/checkout/{course.slug}/").content.decode()
    assert 'name="cohort"' in page and "Spring" in page and "3 seats left" in page
