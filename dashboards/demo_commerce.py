"""Demo orders for ``manage.py seed_demo``: a learner's offline order for "Advanced
typography" waits on the staff orders page (/staff/orders/) to be marked paid. (The demo
student's own purchase, with a coupon, an invoice and a refund elsewhere, is
dashboards/demo_billing.py's; their plan is dashboards/demo_plans.py's.)

Idempotent: a purchase already made is not made again.
"""

from typing import Any

from accounts.models import User
from commerce import selectors as commerce_selectors
from commerce.services.orders import order_create
from courses.models import Course
from kalpla.exceptions import ApplicationError

WAITING = "advanced-typography"


def seed_orders(*, courses: dict[str, Course], student: User | None, learners: list[Any]) -> int:
    """Returns how many orders were made now."""
    made = 0
    if learners and WAITING in courses:
        learner = learners[0]
        waiting = commerce_selectors.order_staff_list(status="pending", search=learner.email)
        if not waiting.exists():
            try:
                order_create(user=learner, course=courses[WAITING], gateway="manual")
                made += 1
            except ApplicationError:
                pass
    return made
