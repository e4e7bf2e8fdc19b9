"""Plans and subscriptions for tests: plans by factory, subscriptions made by the services."""

from decimal import Decimal
from typing import Any

import factory

from commerce.models import Plan


class PlanFactory(factory.django.DjangoModelFactory):
    """A monthly plan on sale. ``PlanFactory(courses=[c1, c2])`` or ``all_courses=True``."""

    class Meta:
        model = Plan
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    price = Decimal("499.00")
    currency = "INR"

    @factory.post_generation
    def courses(self, create: bool, extracted: Any, **kwargs: object) -> None:
        if create and extracted:
            self.courses.set(extracted)


def subscribe(user: Any, plan: Any, gateway: str = "manual") -> Any:
    """``user`` subscribes to ``plan``; returns the subscription."""
    from commerce.services.subscriptions import subscription_start

    started = subscription_start(
        user=user,
        plan=plan,
        gateway=gateway,
        success_url="http://testserver/account/subscriptions/{subscription}/",
        cancel_url="http://testserver/plans/",
    )
    return started.subscription
