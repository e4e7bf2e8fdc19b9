"""Cohorts in the admin: bounded list pages, and saving a cohort serves its waitlist."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from enrollments.cohorts import waitlist
from enrollments.models import Cohort, Enrollment
from enrollments.tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohorts(db):
    cohorts = []
    for _ in range(10):
        cohort = CohortFactory(capacity=1)
        EnrollmentFactory(course=cohort.course, cohort=cohort)
        waitlist.waitlist_join(user=UserFactory(), cohort=cohort)
        cohorts.append(cohort)
    return cohorts


@pytest.mark.parametrize(
    ("model", "limit"), [("cohort", 8), ("waitlistentry", 8), ("enrollment", 8)]
)
def test_changelists_load_with_bounded_queries(
    client, admin_user, cohorts, model, limit, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(reverse(f"admin:enrollments_{model}_changelist"))  # warm caches

    with django_assert_max_num_queries(limit):
        response = client.get(reverse(f"admin:enrollments_{model}_changelist"))

    assert response.status_code == 200


def test_raising_the_capacity_in_the_admin_enrolls_the_next_in_line(client, admin_user, cohorts):
    cohort = cohorts[0]
    client.force_login(admin_user)
    url = reverse("admin:enrollments_cohort_change", args=[cohort.pk])
    assert client.get(url).status_code == 200
    local = timezone.localtime

    response = client.post(
        url,
        {
            "course": cohort.course_id,
            "name": cohort.name,
            "starts_at_0": local(cohort.starts_at).strftime("%Y-%m-%d"),
            "starts_at_1": local(cohort.starts_at).strftime("%H:%M:%S"),
            "ends_at_0": local(cohort.ends_at).strftime("%Y-%m-%d"),
            "ends_at_1": local(cohort.ends_at).strftime("%H:%M:%S"),
            "capacity": "2",
            "is_active": "on",
            "waitlist-TOTAL_FORMS": "1",
            "waitlist-INITIAL_FORMS": "1",
            "waitlist-MIN_NUM_FORMS": "0",
            "waitlist-MAX_NUM_FORMS": "1000",
            "waitlist-0-id": cohort.waitlist.get().pk,
            "waitlist-0-cohort": cohort.pk,
            "waitlist-0-user": cohort.waitlist.get().user_id,
            "waitlist-0-status": "waiting",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Cohort.objects.get(pk=cohort.pk).capacity == 2
    assert Enrollment.objects.filter(cohort=cohort).count() == 2


def _enrollment_form(enrollment: Enrollment, **changes):
    from enrollments.admin import EnrollmentAdminForm

    data = {
        "user": enrollment.user_id,
        "course": enrollment.course_id,
        "status": enrollment.status,
        "source": enrollment.source,
        "cohort": enrollment.cohort_id or "",
        "progress_percent": enrollment.progress_percent,
        "grant_reference": enrollment.grant_reference,
        **changes,
    }
    return EnrollmentAdminForm(data=data, instance=enrollment)


def test_admin_enrollment_form_refuses_a_full_cohort_and_another_courses():
    full = CohortFactory(capacity=1)
    EnrollmentFactory(course=full.course, cohort=full)
    enrollment = EnrollmentFactory(course=full.course)
    form = _enrollment_form(enrollment, cohort=full.pk)
    assert not form.is_valid()
    assert "full" in form.errors["cohort"][0]
    elsewhere = CohortFactory(capacity=None)
    form = _enrollment_form(enrollment, cohort=elsewhere.pk)
    assert not form.is_valid() and "another course" in form.errors["cohort"][0]
    # a cohort with room, or raising the capacity, lets it through
    full.capacity = 2
    full.save(update_fields=["capacity"])
    assert _enrollment_form(enrollment, cohort=full.pk).is_valid()


def test_admin_enrollment_form_keeps_an_existing_seat_when_the_cohort_is_full():
    full = CohortFactory(capacity=1)
    seated = EnrollmentFactory(course=full.course, cohort=full)
    form = _enrollment_form(seated, progress_percent=50)
    assert form.is_valid(), form.errors


def test_admin_enrollment_pages_still_show_every_field(client, admin_user):
    enrollment = EnrollmentFactory()
    client.force_login(admin_user)
    page = client.get(reverse("admin:enrollments_enrollment_change", args=[enrollment.pk]))
    assert page.status_code == 200
    for field in ("cohort", "grant_reference", "last_lesson", "last_viewed_at"):
        assert f"field-{field}" in page.content.decode()
    assert client.get(reverse("admin:enrollments_enrollment_add")).status_code == 200
