"""Demo plans (seed_demo): a monthly data-science plan with a free week (the paid machine
learning course and two free ones) and a yearly whole-catalogue plan. The demo student
subscribes to the first, paid by hand (manual gateway), and studies the paid course through
it; a learner's subscription waits for staff to record the payment on /staff/subscriptions/.
Idempotent: a rerun finds the plans and subscriptions the first run made."""

from decimal import Decimal
from typing import Any

from accounts.models import User
from commerce.models import Plan, Subscription
from commerce.services.subscription_state import LIVE
from commerce.services.subscriptions import subscription_mark_paid, subscription_start
from courses.models import Course
from enrollments import services as enrollment_services

ADMIN_EMAIL = "admin@example.com"
PLANS = (
    (
        "data-science-monthly",
        "Data science (monthly)",
        "Python data analysis, SQL and the machine learning foundations course, with new "
        "data courses as they come. Try it free for a week.",
        Plan.Interval.MONTH,
        Decimal("499.00"),
        7,
        ("machine-learning-foundations", "data-analysis-with-pandas", "sql-for-everyone"),
    ),
    (
        "all-access-yearly",
        "All access (yearly)",
        "Every course in the catalogue, paid once a year.",
        Plan.Interval.YEAR,
        Decimal("4999.00"),
        0,
        (),
    ),
)


def seed_plans(*, courses: dict[str, Course], student: User | None, learners: list[User]) -> int:
    """The demo plans and subscriptions; returns how many plans there are."""
    plans = {}
    for slug, name, description, interval, price, trial, course_slugs in PLANS:
        plan, _created = Plan.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "interval": interval,
                "price": price,
                "currency": "INR",
                "trial_days": trial,
                "all_courses": not course_slugs,
            },
        )
        plan.courses.set([courses[s] for s in course_slugs if s in courses])
        plans[slug] = plan
    staff = User.objects.filter(email=ADMIN_EMAIL).first()
    if student is not None and staff is not None:
        _student_plan(student, staff, plans["data-science-monthly"], courses)
    if learners:
        _pending(learners[0], plans["all-access-yearly"])
    return len(plans)


def _student_plan(student: User, staff: User, plan: Plan, courses: dict[str, Course]) -> None:
    if not Subscription.objects.filter(user=student, plan=plan, status__in=LIVE).exists():
        sub = _subscribe(student, plan)
        # a paid month, recorded by the admin (a bank transfer)
        subscription_mark_paid(subscription=sub, by=staff, note="Demo: bank transfer")
    course = courses.get("machine-learning-foundations")
    if course is not None:
        enrollment_services.enrollment_create(user=student, course=course)


def _pending(learner: User, plan: Plan) -> None:
    if not Subscription.objects.filter(user=learner, plan=plan).exists():
        _subscribe(learner, plan)


def _subscribe(user: User, plan: Plan) -> Any:
    return subscription_start(
        user=user,
        plan=plan,
        gateway="manual",
        success_url="/account/subscriptions/{subscription}/",
        cancel_url=f"/plans/{plan.slug}/",
    ).subscription
