"""Commerce test data: paid courses and orders made by the services themselves."""

from decimal import Decimal
from typing import Any

from courses.tests.factories import CourseFactory


def paid_course(price: str = "1180.00", currency: str = "INR", **kwargs: Any) -> Any:
    """A published course on sale for ``price``."""
    return CourseFactory(price=Decimal(price), currency=currency, **kwargs)


def order_for(user: Any, course: Any = None, **kwargs: Any) -> Any:
    """A pending order of ``user`` for ``course`` (a new paid course by default)."""
    from commerce.services.orders import order_create

    return order_create(user=user, course=course or paid_course(), **kwargs)
