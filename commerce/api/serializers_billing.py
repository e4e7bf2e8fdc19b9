"""Shapes of purchases, receipts, refunds, coupon checks and the revenue summary."""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kalpla.api.serializers import InputSerializer, StrictCharField

from ..models import Gateway, Invoice, Order, Refund
from .fields import MoneyField
from .serializers import OrderOut


class DocumentOut(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = ("id", "kind", "number", "issued_at", "pdf_url")

    def get_pdf_url(self, invoice: Invoice) -> str:
        path = reverse("api:me-invoice-pdf", args=[invoice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class PurchaseOut(OrderOut):
    """An order as "My purchases" shows it: the order, its documents and its receipt page."""

    documents = serializers.SerializerMethodField()
    receipt_url = serializers.SerializerMethodField()

    @extend_schema_field(DocumentOut(many=True))
    def get_documents(self, order: Order) -> list[dict[str, Any]]:
        docs = [
            doc for payment in order.payments.all() for doc in getattr(payment, "documents", [])
        ]
        return list(DocumentOut(docs, many=True, context=self.context).data)

    def get_receipt_url(self, order: Order) -> str:
        path = reverse("billing:receipt", args=[order.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class RefundIn(InputSerializer):
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        help_text="Leave out to refund everything not refunded yet.",
    )
    reason = StrictCharField(
        max_length=500, help_text="Shown to the student and on the credit note."
    )


class RefundOut(serializers.ModelSerializer):
    amount = MoneyField(amount="amount", currency="payment.currency")
    order = serializers.IntegerField(source="payment.order_id")
    order_status = serializers.CharField(source="payment.order.status")

    class Meta:
        model = Refund
        fields = (
            "id",
            "order",
            "order_status",
            "amount",
            "status",
            "reason",
            "gateway_refund_id",
            "created_at",
        )


class CouponCheckIn(InputSerializer):
    code = StrictCharField(max_length=80)
    kind = serializers.ChoiceField(
        choices=["course", "plan"], help_text="What the coupon is tried on."
    )
    slug = StrictCharField(max_length=200, help_text="The course's or the plan's slug.")


class CouponCheckOut(serializers.Serializer):
    code = serializers.CharField()
    valid = serializers.BooleanField(help_text="Whether the coupon applies.")
    reason = serializers.CharField(
        allow_null=True,
        help_text="Why it does not apply (null when it does): `coupon_invalid`, "
        "`coupon_not_yet_valid`, `coupon_expired`, `coupon_exhausted`, `coupon_used_by_you`, "
        "`coupon_first_purchase`, `coupon_not_applicable`, `coupon_wrong_currency`, "
        "`coupon_stacking`, `coupon_required`.",
    )
    message = serializers.CharField(help_text="The reason for people (empty when it applies).")
    description = serializers.CharField()
    list_price = MoneyField(amount="list_price")
    discount = MoneyField(amount="discount")
    price_after_discount = MoneyField(amount="price_after_discount")


class RevenueQueryIn(InputSerializer):
    start = serializers.DateField(required=False, help_text="First day (default: 29 days ago).")
    end = serializers.DateField(required=False, help_text="Last day, included (default: today).")
    by = serializers.ChoiceField(choices=["day", "month"], default="day")
    gateway = serializers.ChoiceField(choices=Gateway.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and start > end:
            raise serializers.ValidationError({"end": ["The end must be on or after the start."]})
        if start and end and (end - start).days > 3700:
            raise serializers.ValidationError({"start": ["Choose at most ten years."]})
        return attrs


class RevenueLineOut(serializers.Serializer):
    currency = serializers.CharField()
    revenue = MoneyField(amount="revenue")
    refunds = MoneyField(amount="refunds")
    net = MoneyField(amount="net")
    payments = serializers.IntegerField()
    refund_count = serializers.IntegerField()


class RevenueGatewayOut(RevenueLineOut):
    gateway = serializers.CharField()


class RevenueRowOut(RevenueGatewayOut):
    period = serializers.DateField(help_text="The day, or the first day of the month.")


class RevenueOut(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.CharField()
    totals = RevenueLineOut(many=True)
    by_gateway = RevenueGatewayOut(many=True)
    rows = RevenueRowOut(many=True)
