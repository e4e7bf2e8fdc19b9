import pytest

from accounts.tests.factories import UserFactory
from commerce.models import Order
from courses.tests.factories import CourseFactory
from dashboards.demo_commerce import ADMIN_EMAIL, BOUGHT, WAITING, seed_orders
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


def test_seed_orders_makes_a_paid_and_a_waiting_order_once():
    UserFactory(email=ADMIN_EMAIL, roles=("Admin",), is_staff=True)
    student, learner = UserFactory(), UserFactory()
    courses = {slug: CourseFactory(slug=slug, price="999.00") for slug in (BOUGHT, WAITING)}
    assert seed_orders(courses=courses, student=student, learners=[learner]) == 2
    assert seed_orders(courses=courses, student=student, learners=[learner]) == 0
    paid = Order.objects.get(user=student)
    assert paid.status == "paid" and paid.payments.get().recorded_by.email == ADMIN_EMAIL
    assert Enrollment.objects.get(user=student).course.slug == BOUGHT
    assert Order.objects.get(user=learner).status == "pending"
