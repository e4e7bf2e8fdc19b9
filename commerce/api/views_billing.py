"""API: the signed-in user's purchases and invoices, coupon checks, staff refunds and the
revenue summary. The same services as the site pages (/account/purchases/, /staff/...)."""

from typing import Any

from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import PermissionDenied

from .. import selectors_billing as selectors
from ..forms_billing import revenue_default_range
from ..invoice_pdf import invoice_pdf_response
from ..models import Order
from ..policies_billing import refund_can_create, revenue_can_view
from ..selectors_revenue import revenue_summary
from ..services.coupons import coupon_check
from ..services.refunds import refund_create
from .serializers_billing import (
    CouponCheckIn,
    CouponCheckOut,
    PurchaseOut,
    RefundIn,
    RefundOut,
    RevenueOut,
    RevenueQueryIn,
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


MONEY = {"amount": "1180.00", "currency": "INR"}
PURCHASE_EXAMPLE = {
    "id": 12,
    "number": "K-20261206-0012",
    "status": "paid",
    "gateway": "razorpay",
    "items": [
        {
            "id": 14,
            "kind": "course",
            "title": "Python for data analysis",
            "course": {"id": 3, "slug": "python-data", "title": "Python for data analysis"},
            "list_price": MONEY,
            "discount": {"amount": "0.00", "currency": "INR"},
            "tax": {"amount": "180.00", "currency": "INR"},
            "total": MONEY,
        }
    ],
    "subtotal": MONEY,
    "discount": {"amount": "0.00", "currency": "INR"},
    "tax": {"amount": "180.00", "currency": "INR"},
    "total": MONEY,
    "tax_rate": "18.00",
    "tax_inclusive": True,
    "coupon": None,
    "created_at": "2026-12-06T09:30:00Z",
    "paid_at": "2026-12-06T09:31:10Z",
    "documents": [
        {
            "id": 7,
            "kind": "invoice",
            "number": "INV-2026-000007",
            "issued_at": "2026-12-06T09:31:10Z",
            "pdf_url": "https://kalpla.example/api/v1/me/invoices/7/pdf/",
        }
    ],
    "receipt_url": "https://kalpla.example/orders/12/receipt/",
}


class MyOrdersApi(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=["purchases"],
        operation_id="me_orders_list",
        summary="My orders, newest first",
        description="Every order of the signed-in user with its items, money, coupon, and "
        "its invoices and credit notes (PDF links).",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=[s for s, _label in Order.Status.choices],
                description="Only orders in this status.",
            )
        ],
        responses={200: PurchaseOut(many=True)},
        examples=[OpenApiExample("A paid order", value=PURCHASE_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        orders = selectors.my_orders(user=signed_in_user(request))
        status = request.query_params.get("status")
        if status is not None:
            if status not in Order.Status.values:
                raise serializers.ValidationError({"status": [_("Not a valid status.")]})
            orders = orders.filter(status=status)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(orders, request, self)
        data = PurchaseOut(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class MyInvoicePdfApi(APIView):
    @extend_schema(
        tags=["purchases"],
        operation_id="me_invoice_pdf",
        summary="Download an invoice or credit note (PDF)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF"),
            404: _error("No such invoice of yours"),
        },
    )
    def get(self, request: Request, invoice_id: int) -> HttpResponseBase:
        invoice = selectors.invoice_get(user=signed_in_user(request), invoice_id=invoice_id)
        return invoice_pdf_response(invoice)


class CouponCheckApi(APIView):
    @extend_schema(
        tags=["purchases"],
        operation_id="coupons_check",
        summary="Check a coupon on a course or plan",
        description="What the coupon takes off, before an order exists. A coupon that does "
        "not apply is answered with `valid: false` and the reason (the same codes and "
        "messages as `errors.coupon` when an order is created with it).",
        request=CouponCheckIn,
        responses={
            200: CouponCheckOut,
            400: _error("Invalid input"),
            404: _error("No such course or plan on sale"),
        },
        examples=[
            OpenApiExample(
                "Check",
                value={"code": "WELCOME10", "kind": "course", "slug": "python-data"},
                request_only=True,
            ),
            OpenApiExample(
                "Applies",
                value={
                    "code": "WELCOME10",
                    "valid": True,
                    "reason": None,
                    "message": "",
                    "description": "10% off a first course",
                    "list_price": MONEY,
                    "discount": {"amount": "118.00", "currency": "INR"},
                    "price_after_discount": {"amount": "1062.00", "currency": "INR"},
                },
                response_only=True,
            ),
            OpenApiExample(
                "Expired",
                value={
                    "code": "SUMMER25",
                    "valid": False,
                    "reason": "coupon_expired",
                    "message": "This coupon has expired.",
                    "description": "",
                    "list_price": MONEY,
                    "discount": {"amount": "0.00", "currency": "INR"},
                    "price_after_discount": MONEY,
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        s = CouponCheckIn(data=request.data)
        s.is_valid(raise_exception=True)
        check = coupon_check(user=signed_in_user(request), **s.validated_data)
        return Response(CouponCheckOut(check).data)


class OrderRefundApi(APIView):
    @extend_schema(
        tags=["purchases"],
        operation_id="orders_refund",
        summary="Refund an order (staff)",
        description="Refunds the order's payment through its gateway, in full (no amount) or "
        "in part. A full refund takes the course back when KALPLA_REVOKE_ON_FULL_REFUND is on; "
        "the student is told and a credit note is issued.",
        request=RefundIn,
        responses={
            201: RefundOut,
            400: _error("Invalid amount or missing reason"),
            403: _error("Not staff"),
            404: _error("No such order"),
            409: _error("Nothing left to refund"),
            503: _error("The gateway could not make the refund"),
        },
        examples=[
            OpenApiExample(
                "Partial",
                value={"amount": "500.00", "reason": "Course cancelled"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, order_id: int) -> Response:
        user = signed_in_user(request)
        if not refund_can_create(user=user):  # before the order lookup: 403, not 404
            raise PermissionDenied(_("Only staff refund payments."))
        order = selectors.order_receipt_get(user=user, order_id=order_id)
        s = RefundIn(data=request.data)
        s.is_valid(raise_exception=True)
        refund = refund_create(
            user=user,
            order=order,
            amount=s.validated_data.get("amount"),
            reason=s.validated_data["reason"],
        )
        refund.refresh_from_db()
        return Response(RefundOut(refund).data, status=201)


class RevenueApi(APIView):
    @extend_schema(
        tags=["revenue"],
        operation_id="revenue_summary",
        summary="Revenue summary (staff)",
        description="Payments received, refunds made and net, per day or month, per currency "
        "and gateway (currencies are never added together).",
        parameters=[RevenueQueryIn],
        responses={200: RevenueOut, 403: _error("Not staff")},
    )
    def get(self, request: Request) -> Response:
        if not revenue_can_view(user=signed_in_user(request)):
            raise PermissionDenied(_("Only staff see revenue."))
        s = RevenueQueryIn(data=request.query_params.dict())
        s.is_valid(raise_exception=True)
        default_start, default_end = revenue_default_range()
        summary = revenue_summary(
            start=s.validated_data.get("start", default_start),
            end=s.validated_data.get("end", default_end),
            by=s.validated_data["by"],
            gateway=s.validated_data.get("gateway", ""),
        )
        return Response(RevenueOut(_summary_data(summary)).data)


def _summary_data(summary: Any) -> dict[str, Any]:
    return {
        "start": summary.start,
        "end": summary.end,
        "by": summary.by,
        "totals": summary.totals,
        "by_gateway": summary.by_gateway,
        "rows": summary.rows,
    }
