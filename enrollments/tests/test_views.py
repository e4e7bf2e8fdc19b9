"""Site pages: enroll / unenroll forms."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from accounts.tests.factories import UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments import services
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    course = CourseFactory(slug="python", title="Python")
    module = ModuleFactory(course=course, order=0)
    course.first_lesson = LessonFactory(module=module, order=0)
    LessonFactory(module=module, order=1)
    return course


def test_enroll_redirects_to_first_lesson_with_message(client, student, course):
    client.force_login(student)

    response = client.post("/learning/courses/python/enroll/", follow=True)

    assert response.redirect_chain[0][0] == f"/courses/python/lessons/{course.first_lesson.pk}/"
    assert "You are enrolled in “Python”" in response.content.decode()
    assert Enrollment.objects.filter(user=student, course=course, status="active").exists()


def test_enroll_requires_post_and_sign_in(client, course):
    response = client.post("/learning/courses/python/enroll/")
    assert response["Location"].startswith("/accounts/login/?next=")
    # Back from signing in, the GET lands on the course page without enrolling.
    client.force_login(UserFactory())
    response = client.get("/learning/courses/python/enroll/")
    assert response["Location"] == "/courses/python/"
    assert not Enrollment.objects.exists()


def test_enroll_paid_course_goes_back_to_course_page(client, student):
    CourseFactory(slug="paid", price=Decimal("5.00"))
    client.force_login(student)
    response = client.post("/learning/courses/paid/enroll/")
    assert response.status_code == 302
    assert response["Location"] == "/courses/paid/"
    assert not Enrollment.objects.exists()


def test_enroll_unverified_email_goes_to_email_page(client, course):
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    response = client.post("/learning/courses/python/enroll/")
    assert response["Location"] == "/accounts/email/"


def test_enroll_draft_course_is_404(client, student):
    CourseFactory(slug="draft", status=Course.Status.DRAFT)
    client.force_login(student)
    assert client.post("/learning/courses/draft/enroll/").status_code == 404


def test_unenroll_asks_to_confirm_then_leaves(client, student, course):
    services.enrollment_create(user=student, course=course)
    client.force_login(student)

    page = client.get("/learning/courses/python/unenroll/")
    assert page.status_code == 200
    assert "Yes, leave the course" in page.content.decode()
    assert Enrollment.objects.get(user=student).status == "active"

    response = client.post("/learning/courses/python/unenroll/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "You left “Python”" in response.content.decode()
    assert Enrollment.objects.get(user=student).status == "cancelled"
