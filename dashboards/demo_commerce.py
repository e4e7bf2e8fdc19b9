"""Demo purchases for ``manage.py seed_demo``: the demo student bought "Machine learning
foundations" offline (marked paid by the demo admin), and a learner's offline order for
"Advanced typography" waits on the staff orders page (/staff/orders/) to be marked paid.
The demo student can buy "Advanced typography" themselves (manual gateway by default).

Idempotent: a purchase already made is not made again.
"""

from typing import Any

from accounts.models import User
from commerce import selectors as commerce_selectors
from commerce.services.orders import order_create, order_mark_paid
from courses.models import Course
from kalpla.exceptions import ApplicationError

ADMIN_EMAIL = "admin@example.com"
BOUGHT = "machine-learning-foundations"
WAITING = "advanced-typography"


def seed_orders(*, courses: dict[str, Course], student: User | None, learners: list[Any]) -> int:
    """Returns how many orders were made now."""
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    made = 0
    if student is not None and admin is not None and BOUGHT in courses:
        try:
            order = order_create(user=student, course=courses[BOUGHT], gateway="manual")
        except ApplicationError:
            pass  # bought on an earlier run
        else:
            order_mark_paid(order=order, user=admin, note="Demo: paid by bank transfer (UTR 1234).")
            made += 1
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
