import pytest

from accounts.tests.factories import UserFactory
from commerce.models import Order
from courses.tests.factories import CourseFactory
from dashboards.demo_commerce import WAITING, seed_orders

pytestmark = pytest.mark.django_db


def test_seed_orders_leaves_one_offline_order_waiting_for_staff_once():
    student, learner = UserFactory(), UserFactory()
    courses = {WAITING: CourseFactory(slug=WAITING, price="999.00")}
    assert seed_orders(courses=courses, student=student, learners=[learner]) == 1
    assert seed_orders(courses=courses, student=student, learners=[learner]) == 0
    assert Order.objects.get(user=learner).status == "pending"
    assert not Order.objects.filter(user=student).exists()
