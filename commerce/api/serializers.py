from typing import Any

from rest_framework import serializers

from commerce.api.fields import MoneyField
from kalpla.api.serializers import InputSerializer, StrictCharField


class OrderCourseOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class OrderItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="`course` or `plan`.")
    title = serializers.CharField()
    course = OrderCourseOut(allow_null=True)
    list_price = MoneyField(amount="list_price", currency="order.currency")
    discount = MoneyField(amount="discount", currency="order.currency")
    tax = MoneyField(amount="tax", currency="order.currency")
    total = MoneyField(amount="total", currency="order.currency")


class OrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="Quote it when you contact support.")
    status = serializers.CharField(
        help_text="`pending`, `paid`, `failed`, `cancelled`, `refunded`, `partially_refunded`."
    )
    gateway = serializers.CharField(help_text="`manual`, `stripe`, `razorpay` or `free`.")
    items = OrderItemOut(many=True)
    subtotal = MoneyField(amount="subtotal")
    discount = MoneyField(amount="discount")
    tax = MoneyField(amount="tax")
    total = MoneyField(amount="total")
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    tax_inclusive = serializers.BooleanField(help_text="Whether the prices include the tax.")
    coupon = serializers.SerializerMethodField(help_text="The coupon's code, or null.")

    def get_coupon(self, obj: Any) -> str | None:
        return obj.coupon.code if obj.coupon is not None else None

    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)


class QuoteLineOut(serializers.Serializer):
    title = serializers.CharField(source="item.title")
    list_price = MoneyField(amount="item.list_price", currency="item.currency")
    discount = MoneyField(amount="discount", currency="item.currency")
    tax = MoneyField(amount="tax", currency="item.currency")
    total = MoneyField(amount="total", currency="item.currency")


class QuoteOut(serializers.Serializer):
    lines = QuoteLineOut(many=True)
    subtotal = MoneyField(amount="subtotal")
    discount = MoneyField(amount="discount")
    tax = MoneyField(amount="tax")
    total = MoneyField(amount="total")
    tax_name = serializers.CharField()
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    tax_inclusive = serializers.BooleanField()
    coupon = serializers.SerializerMethodField(help_text="The coupon's code, or null.")

    def get_coupon(self, obj: Any) -> str | None:
        return obj.coupon.code if obj.coupon is not None else None


class CheckoutOut(serializers.Serializer):
    order = OrderOut()
    url = serializers.URLField(
        allow_null=True,
        help_text=(
            "Open it in a browser to pay (the gateway's hosted page). Null when the site "
            "renders the gateway's widget (`client_options`) or payment is offline (manual: "
            "the order's page says how to pay)."
        ),
    )
    client_options = serializers.DictField(
        help_text="Options for the gateway's own checkout widget (Razorpay Checkout)."
    )
    order_page_url = serializers.URLField(
        help_text="The order's page on the site: it shows the status until payment is confirmed."
    )


class OrderCreateIn(InputSerializer):
    course = StrictCharField(max_length=120, help_text="The slug of the course to buy.")
    coupon = StrictCharField(max_length=40, required=False, allow_blank=True, default="")
    cohort = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text=(
            "The id of one of the course's cohorts (GET /api/v1/courses/{slug}/cohorts/); "
            "required when the course requires one (`cohort_required`). A seat held for the "
            "buyer by a waitlist offer is theirs to pay for."
        ),
    )


class MarkPaidIn(InputSerializer):
    note = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="How it was paid (bank transfer reference, receipt number).",
    )
