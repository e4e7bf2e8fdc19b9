"""Seats under concurrency (PostgreSQL): threads freeing and claiming seats of one cohort
never put it over capacity, and the waitlist is served in order."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from enrollments.cohorts import waitlist
from enrollments.models import Enrollment
from enrollments.services import enrollment_cancel, enrollment_create
from enrollments.tests.factories import CohortFactory, EnrollmentFactory
from kalpla.exceptions import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql(settings):
    if connection.vendor != "postgresql":
        if settings.CI:
            pytest.fail("CI=true but no PostgreSQL: concurrent seats cannot be tested")
        pytest.skip("needs PostgreSQL for concurrent writers (always present with CI=true)")


def _run(calls: list) -> list:
    def one(call):
        try:
            return call()
        except Conflict as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(one, calls))


def _live(cohort) -> set[int]:
    return set(
        Enrollment.objects.filter(cohort=cohort, status__in=("active", "completed")).values_list(
            "user_id", flat=True
        )
    )


def test_concurrent_enrollments_never_exceed_the_capacity():
    cohort = CohortFactory(capacity=2)
    users = [UserFactory() for _ in range(8)]

    results = _run(
        [lambda u=u: enrollment_create(user=u, course=cohort.course, cohort=cohort) for u in users]
    )

    assert results.count("cohort_full") == 6
    assert len(_live(cohort)) == 2


def test_freed_seats_go_to_the_waitlist_in_order_while_others_try_to_claim_them():
    # given: a full cohort of three and five people waiting, in this order
    cohort = CohortFactory(capacity=3)
    leaving = [UserFactory() for _ in range(3)]
    for user in leaving:
        EnrollmentFactory(user=user, course=cohort.course, cohort=cohort)
    waiting = [UserFactory() for _ in range(5)]
    for user in waiting:
        waitlist.waitlist_join(user=user, cohort=cohort)
    outsiders = [UserFactory() for _ in range(4)]
    enrollments = list(Enrollment.objects.filter(cohort=cohort))

    # when: the three leave while four others try to enroll, all at once
    calls = [lambda e=e: enrollment_cancel(enrollment=e) for e in enrollments]
    calls += [
        lambda u=u: enrollment_create(user=u, course=cohort.course, cohort=cohort)
        for u in outsiders
    ]
    results = _run(calls)

    # then: the first three in line have the seats; nobody jumped the queue
    assert _live(cohort) == {u.pk for u in waiting[:3]}
    assert results[3:] == ["cohort_full"] * 4
    assert all(not Enrollment.objects.filter(user=u).exists() for u in [*outsiders, *waiting[3:]])
