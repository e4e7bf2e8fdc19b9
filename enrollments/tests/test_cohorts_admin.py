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
