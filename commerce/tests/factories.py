"""Commerce test data: rows made by factories (billing's tests), and paid courses and orders
made by the services themselves (``paid_course``, ``order_for``)."""

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from commerce.models import Coupon, Order, OrderItem, Payment, Plan, Refund, Subscription
from courses.tests.factories import CourseFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    price = Decimal("499.00")
    currency = "INR"


class CouponFactory(factory.django.DjangoModelFactory):
    """A global 10% coupon; ``CouponFactory(scope="course", course=c)`` for one course."""

    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = Coupon.Kind.PERCENT
    value = Decimal("10.00")


class OrderFactory(factory.django.DjangoModelFactory):
    """A pending manual order for one course (``items__price`` sets its list price).

    ``OrderFactory(paid=True)`` records a succeeded payment too (``order.payments``)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"K-TEST-{n:05d}")
    user = factory.SubFactory(UserFactory)
    gateway = "manual"
    currency = "INR"
    subtotal = Decimal("1000.00")
    total = Decimal("1000.00")
    tax = Decimal("152.54")
    tax_rate = Decimal("18.00")
    tax_inclusive = True

    @factory.post_generation
    def items(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        course = kwargs.get("course") or CourseFactory(price=self.subtotal, currency=self.currency)
        OrderItem.objects.create(
            order=self,
            kind=OrderItem.Kind.COURSE,
            course=course,
            title=course.title,
            list_price=self.subtotal,
            discount=self.discount,
            tax=self.tax,
            total=self.total,
        )

    @factory.post_generation
    def paid(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not (create and extracted):
            return
        PaymentFactory(order=self, amount=self.total, currency=self.currency)
        self.status = Order.Status.PAID
        self.paid_at = timezone.now()
        self.save(update_fields=["status", "paid_at"])


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    gateway = factory.LazyAttribute(lambda o: o.order.gateway)
    gateway_payment_id = factory.Sequence(lambda n: f"pay_{n:06d}")
    amount = factory.LazyAttribute(lambda o: o.order.total)
    currency = factory.LazyAttribute(lambda o: o.order.currency)
    status = Payment.Status.SUCCEEDED


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    payment = factory.SubFactory(PaymentFactory)
    amount = factory.LazyAttribute(lambda o: o.payment.amount)
    status = Refund.Status.SUCCEEDED
    gateway_refund_id = factory.Sequence(lambda n: f"re_{n:06d}")


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(PlanFactory)
    gateway = "manual"
    status = Subscription.Status.ACTIVE


def paid_course(price: str = "1180.00", currency: str = "INR", **kwargs: Any) -> Any:
    """A published course on sale for ``price``."""
    return CourseFactory(price=Decimal(price), currency=currency, **kwargs)


def order_for(user: Any, course: Any = None, **kwargs: Any) -> Any:
    """A pending order of ``user`` for ``course`` (a new paid course by default)."""
    from commerce.services.orders import order_create

    return order_create(user=user, course=course or paid_course(), **kwargs)
