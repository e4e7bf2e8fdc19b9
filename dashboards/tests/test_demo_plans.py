"""seed_demo's plans: two plans, the demo student studying a paid course through an active
plan, a learner's subscription waiting for staff; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from commerce.models import Order, Payment, Plan, Subscription
from dashboards.demo import LEARNERS, STUDENT_EMAIL
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", "--force", stdout=StringIO())


def test_seed_demo_plans_and_the_students_active_subscription():
    _seed()
    _seed()
    assert set(Plan.objects.values_list("slug", flat=True)) == {
        "data-science-monthly",
        "all-access-yearly",
    }
    student = User.objects.get(email=STUDENT_EMAIL)
    sub = Subscription.objects.get(user=student)
    assert sub.status == "active" and sub.plan.slug == "data-science-monthly"
    assert Payment.objects.filter(order__user=student, order__items__plan=sub.plan).count() == 1
    enrollment = Enrollment.objects.get(user=student, course__slug="machine-learning-foundations")
    assert enrollment.source == "plan" and enrollment.status == "active"
    learner = User.objects.get(email=LEARNERS[0][0])
    pending = Subscription.objects.get(user=learner)
    assert pending.status == "incomplete" and pending.order.status == Order.Status.PENDING
