"""Plans and subscriptions as the API shows them (API.md: money as amount and currency)."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commerce.services.subscription_state import subscription_has_access
from courses.api.serializers import MoneyOut
from kalpla.api.serializers import InputSerializer, StrictCharField


class PlanCourseOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class PlanOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    interval = serializers.ChoiceField(
        choices=["month", "year"], help_text="How often the plan is paid."
    )
    price = serializers.SerializerMethodField()
    trial_days = serializers.IntegerField(help_text="Free days before the first payment.")
    all_courses = serializers.BooleanField(help_text="The whole catalogue, present and future.")
    courses = serializers.SerializerMethodField()

    @extend_schema_field(MoneyOut)
    def get_price(self, plan: Any) -> dict[str, Any]:
        return MoneyOut({"amount": plan.price, "currency": plan.currency}).data

    @extend_schema_field(PlanCourseOut(many=True))
    def get_courses(self, plan: Any) -> list[dict[str, Any]]:
        """The published courses the plan names (empty for a whole-catalogue plan)."""
        rows = getattr(plan, "published_courses", None)
        if rows is None:
            rows = list(plan.courses.filter(status="published"))
        return [{"id": c.pk, "slug": c.slug, "title": c.title} for c in rows]


class PlanRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    interval = serializers.CharField()


class SubscriptionOut(serializers.Serializer):
    id = serializers.IntegerField()
    plan = PlanRefOut()
    status = serializers.ChoiceField(
        choices=["incomplete", "trialing", "active", "past_due", "cancelled", "expired"],
        help_text=(
            "`incomplete`: waiting for the first payment (manual: for staff to record it); "
            "`past_due`: a renewal payment failed, courses stay open for the grace days."
        ),
    )
    gateway = serializers.CharField()
    has_access = serializers.SerializerMethodField()
    trial_ends_at = serializers.DateTimeField(allow_null=True)
    current_period_start = serializers.DateTimeField(allow_null=True)
    current_period_end = serializers.DateTimeField(allow_null=True)
    cancel_at_period_end = serializers.BooleanField(
        help_text="Cancelled: ends with the paid period; `resume` undoes it until then."
    )
    cancelled_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_has_access(self, sub: Any) -> bool:
        """Whether the plan's courses are open now."""
        return subscription_has_access(subscription=sub, now=timezone.now())


class SubscriptionCheckoutOut(serializers.Serializer):
    reference = serializers.CharField(help_text="The gateway's handle for this checkout.")
    url = serializers.URLField(
        allow_null=True, help_text="Open this page to pay (Stripe Checkout)."
    )
    client_options = serializers.DictField(
        help_text="Options for the gateway's own widget when there is no URL (Razorpay Checkout)."
    )


class SubscribeOut(serializers.Serializer):
    subscription = SubscriptionOut()
    checkout = SubscriptionCheckoutOut(
        allow_null=True,
        help_text="Where to pay; null for manual subscriptions (staff record the payment).",
    )


class SubscribeIn(InputSerializer):
    coupon = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="A coupon code for the plan: it takes off the first period.",
    )


class PortalOut(serializers.Serializer):
    url = serializers.URLField()


class SubscriptionMarkPaidIn(InputSerializer):
    note = StrictCharField(required=False, allow_blank=True, max_length=500)
    reference = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=80,
        help_text="The payment's own reference (bank transfer id); one is made when empty.",
    )
