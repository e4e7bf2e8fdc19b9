"""Cohort site pages: choosing a cohort, the waitlist buttons, the course page's lines, and the
course editor's Cohorts tab (list, add, edit, roster, moving a student)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory, LessonFactory
from enrollments.cohorts import waitlist
from enrollments.models import Cohort, Enrollment, WaitlistEntry
from enrollments.tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor(db):
    return UserFactory(roles=("Mentor",))


@pytest.fixture
def course(mentor):
    course = CourseFactory(slug="py", title="Python", requires_cohort=True, instructors=[mentor])
    LessonFactory(module__course=course)
    return course


def _fill(cohort, n: int) -> None:
    for _ in range(n):
        EnrollmentFactory(course=cohort.course, cohort=cohort)


def test_course_page_sends_to_the_cohorts_and_shows_my_cohort(client, student, course):
    cohort = CohortFactory(course=course, name="January")
    client.force_login(student)

    page = client.get("/courses/py/").content.decode()
    assert "/learning/courses/py/cohorts/" in page and "Choose a cohort" in page

    client.post("/learning/courses/py/enroll/", {"cohort": cohort.pk})
    page = client.get("/courses/py/").content.decode()
    assert "My cohort: January" in page


def test_cohorts_page_offers_enroll_or_the_waitlist(client, student, course):
    open_ = CohortFactory(course=course, name="Open one", capacity=5)
    full = CohortFactory(course=course, name="Full one", capacity=1)
    _fill(full, 1)
    client.force_login(student)

    page = client.get("/learning/courses/py/cohorts/").content.decode()

    assert "Open one" in page and "5 seats left" in page
    assert f'name="cohort" value="{open_.pk}"' in page
    assert f"/learning/cohorts/{full.pk}/waitlist/join/" in page


def test_enroll_in_a_cohort_from_the_site(client, student, course):
    cohort = CohortFactory(course=course)
    client.force_login(student)

    response = client.post("/learning/courses/py/enroll/", {"cohort": cohort.pk})

    assert response.status_code == 302
    assert Enrollment.objects.get(user=student).cohort == cohort


def test_enroll_without_a_cohort_or_in_a_full_one_goes_back_to_the_cohorts(client, student, course):
    full = CohortFactory(course=course, capacity=1)
    _fill(full, 1)
    client.force_login(student)

    missing = client.post("/learning/courses/py/enroll/", follow=True)
    crowded = client.post("/learning/courses/py/enroll/", {"cohort": full.pk}, follow=True)
    bogus = client.post("/learning/courses/py/enroll/", {"cohort": "x"}, follow=True)

    assert missing.redirect_chain[-1][0] == "/learning/courses/py/cohorts/"
    assert "Choose a cohort to enroll in this course." in missing.content.decode()
    assert "This cohort is full. Join its waitlist" in crowded.content.decode()
    assert "Choose one of this course&#x27;s cohorts." in bogus.content.decode()
    assert not Enrollment.objects.filter(user=student).exists()


def test_waitlist_join_and_leave_from_the_site(client, student, course):
    full = CohortFactory(course=course, capacity=1)
    _fill(full, 1)
    client.force_login(student)

    joined = client.post(f"/learning/cohorts/{full.pk}/waitlist/join/", follow=True)
    assert "You are number 1 on the waitlist." in joined.content.decode()
    left = client.post(f"/learning/cohorts/{full.pk}/waitlist/leave/", follow=True)
    assert "You left the waitlist." in left.content.decode()
    assert WaitlistEntry.objects.get(user=student).status == WaitlistEntry.Status.LEFT


def test_offer_shows_with_its_buttons(client, course):
    paid = CourseFactory(slug="paid", price="10.00", requires_cohort=True)
    cohort = CohortFactory(course=paid, capacity=1)
    _fill(cohort, 1)
    user = UserFactory()
    waitlist.waitlist_join(user=user, cohort=cohort)
    Enrollment.objects.filter(cohort=cohort).update(status="cancelled")
    waitlist.cohort_promote(cohort_id=cohort.pk)
    client.force_login(user)

    page = client.get("/learning/courses/paid/cohorts/").content.decode()

    assert "A seat is held for you until" in page
    # a paid seat is taken by paying for it, in that cohort
    assert f"/checkout/paid/?cohort={cohort.pk}" in page
    assert f"/learning/cohorts/{cohort.pk}/offer/decline/" in page


def test_teach_cohorts_lists_and_adds(client, mentor, course):
    CohortFactory(course=course, name="Autumn")
    client.force_login(mentor)

    page = client.get("/learning/teach/courses/py/cohorts/")
    assert page.status_code == 200 and "Autumn" in page.content.decode()

    bad = client.post(
        "/learning/teach/courses/py/cohorts/",
        {"name": "Winter", "starts_at": "2027-01-10T09:00", "ends_at": "2027-01-01T09:00"},
    )
    assert bad.status_code == 400
    assert "A cohort ends after it starts." in bad.content.decode()
    assert 'value="Winter"' in bad.content.decode()  # what was typed is kept

    added = client.post(
        "/learning/teach/courses/py/cohorts/",
        {
            "name": "Winter",
            "starts_at": "2027-01-10T09:00",
            "ends_at": "2027-02-10T09:00",
            "capacity": "20",
            "is_active": "on",
        },
    )
    assert added.status_code == 302
    assert Cohort.objects.get(name="Winter").capacity == 20


def test_teach_cohort_edit_and_roster(client, mentor, course, django_assert_max_num_queries):
    cohort = CohortFactory(course=course, capacity=30, name="Big")
    _fill(cohort, 12)
    for _ in range(5):
        WaitlistEntry.objects.create(cohort=cohort, user=UserFactory())
    CohortFactory(course=course, name="Other")
    client.force_login(mentor)

    with django_assert_max_num_queries(20):
        roster = client.get(f"/learning/teach/cohorts/{cohort.pk}/roster/")
    assert roster.status_code == 200
    assert "12 of 30 seats taken" in roster.content.decode()

    form = client.get(f"/learning/teach/cohorts/{cohort.pk}/")
    assert form.status_code == 200
    starts = timezone.localtime(cohort.starts_at).strftime("%Y-%m-%dT%H:%M")
    ends = timezone.localtime(cohort.ends_at).strftime("%Y-%m-%dT%H:%M")
    lowered = client.post(
        f"/learning/teach/cohorts/{cohort.pk}/",
        {"name": "Big", "starts_at": starts, "ends_at": ends, "capacity": "5", "is_active": "on"},
    )
    assert lowered.status_code == 400
    assert "12 seats are taken" in lowered.content.decode()


def test_roster_queries_do_not_grow_with_students(
    client, mentor, course, django_assert_num_queries
):
    cohort = CohortFactory(course=course)
    client.force_login(mentor)
    _fill(cohort, 2)
    client.get(f"/learning/teach/cohorts/{cohort.pk}/roster/")  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"/learning/teach/cohorts/{cohort.pk}/roster/")
    _fill(cohort, 10)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/learning/teach/cohorts/{cohort.pk}/roster/")
    assert len(many) == len(few)


def test_teach_move_a_student(client, mentor, course):
    old, new = CohortFactory(course=course, name="A"), CohortFactory(course=course, name="B")
    enrollment = EnrollmentFactory(course=course, cohort=old)
    client.force_login(mentor)

    response = client.post(
        f"/learning/teach/enrollments/{enrollment.pk}/cohort/", {"cohort": new.pk}, follow=True
    )

    assert "moved to B" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.cohort == new


def test_teach_pages_refuse_students(client, student, course):
    cohort = CohortFactory(course=course)
    client.force_login(student)
    assert client.get("/learning/teach/courses/py/cohorts/").status_code == 403
    assert client.get(f"/learning/teach/cohorts/{cohort.pk}/roster/").status_code == 403


def test_cohort_lessons_show_their_opening_date(client, student, course):
    cohort = CohortFactory(course=course, starts_at=timezone.now() + timedelta(days=3))
    client.force_login(student)
    client.post("/learning/courses/py/enroll/", {"cohort": cohort.pk})
    lesson = course.lessons.first()

    response = client.get(f"/courses/py/lessons/{lesson.pk}/")

    assert response.status_code == 403
    opens = timezone.localtime(cohort.starts_at).strftime("%-d %B %Y")
    assert f"It opens on {opens}" in response.content.decode()
