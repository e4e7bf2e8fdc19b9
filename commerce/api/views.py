"""Orders API: buy a course, pay for it, follow the order until the gateway confirms.

Refusals: 401 not signed in; 404 a course or order that is not yours to see; 409
``already_enrolled``, ``no_payment_needed``, ``already_paid``, ``order_closed``; 400
``coupon_invalid`` (and the coupon's own codes) with ``errors.coupon``; 503
``gateway_unavailable`` when the payment service does not answer (retry).
"""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from commerce import selectors
from commerce.api.serializers import CheckoutOut, MarkPaidIn, OrderCreateIn, OrderOut, QuoteOut
from commerce.services import orders as services
from courses.selectors.lessons import course_get_by_slug
from idempotency.keys import IDEMPOTENCY_PARAMETER, idempotent
from kalpla.api.serializers import ErrorSerializer

TAGS = ["orders"]
ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    404: OpenApiResponse(ErrorSerializer, description="No such course or order of yours"),
}
CONFLICT = {
    409: OpenApiResponse(
        ErrorSerializer,
        description="`already_enrolled`, `no_payment_needed`, `already_paid`, `order_closed`",
    )
}
MONEY = {"amount": "1180.00", "currency": "INR"}
ORDER_EXAMPLE = {
    "id": 12,
    "number": "KAL-20261206-3FA9C1D2",
    "status": "pending",
    "gateway": "stripe",
    "items": [
        {
            "id": 15,
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
    "created_at": "2026-12-06T10:00:00Z",
    "paid_at": None,
}


def _order_out(order: Any) -> dict[str, Any]:
    return OrderOut(selectors.order_get(order_id=order.pk)).data


def order_page_url(request: Request, order: Any) -> str:
    return request.build_absolute_uri(reverse("commerce:order", args=[order.pk]))


class OrderQuoteApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="order_quote",
        summary="Price a course with a coupon, before buying",
        description=(
            "What an order would cost: list price, the coupon's discount, tax and total. "
            "An invalid coupon is a 400 with `errors.coupon`."
        ),
        parameters=[
            OpenApiParameter("course", str, required=True, description="The course's slug."),
            OpenApiParameter("coupon", str, required=False, description="A coupon code."),
        ],
        responses={200: QuoteOut, 400: ErrorSerializer, **ERRORS, **CONFLICT},
    )
    def get(self, request: Request) -> Response:
        s = OrderCreateIn(data=request.query_params.dict())
        s.is_valid(raise_exception=True)
        quote = services.course_quote(
            user=signed_in_user(request),
            course=course_get_by_slug(slug=s.validated_data["course"]),
            coupon_code=s.validated_data["coupon"],
        )
        return Response(QuoteOut(quote).data)


class OrderCreateApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="order_create",
        summary="Buy a course: create an order",
        description=(
            "Creates a pending order for a paid course on the configured gateway; then "
            "`POST /api/v1/orders/{id}/pay/` for where to pay. An order a coupon makes free "
            "is paid at once (`status` `paid`, gateway `free`) and the course is open. "
            "Honours `Idempotency-Key`."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=OrderCreateIn,
        responses={201: OrderOut, 400: ErrorSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample(
                "Buy a course", value={"course": "python-data", "coupon": ""}, request_only=True
            ),
            OpenApiExample("Order", value=ORDER_EXAMPLE, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Expired coupon",
                value={
                    "message": "This coupon has expired.",
                    "code": "coupon_expired",
                    "errors": {"coupon": ["This coupon has expired."]},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    @idempotent(scope="orders.create")
    def post(self, request: Request) -> Response:
        s = OrderCreateIn(data=request.data)
        s.is_valid(raise_exception=True)
        order = services.order_create(
            user=signed_in_user(request),
            course=course_get_by_slug(slug=s.validated_data["course"]),
            coupon_code=s.validated_data["coupon"],
            cohort_id=s.validated_data["cohort"],
        )
        return Response(_order_out(order), status=status.HTTP_201_CREATED)


class MyOrderApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="me_order_get",
        summary="One of my orders",
        description="Poll it after paying: `status` turns `paid` once the gateway confirms.",
        responses={200: OrderOut, **ERRORS},
        examples=[OpenApiExample("Order", value=ORDER_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_user(order_id=order_id, user=signed_in_user(request))
        return Response(OrderOut(order).data)


class OrderPayApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="order_pay",
        summary="Start paying an order",
        description=(
            "Asks the gateway for a checkout: open `url` (Stripe's hosted page) or render the "
            "widget with `client_options` (Razorpay). The payment counts once the gateway's "
            "webhook confirms it: follow the order (`GET /api/v1/me/orders/{id}/`) or the "
            "`order_page_url`. A failed order may be paid again. Honours `Idempotency-Key`."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses={
            200: CheckoutOut,
            503: OpenApiResponse(ErrorSerializer, description="`gateway_unavailable`: retry"),
            **ERRORS,
            **CONFLICT,
        },
    )
    @idempotent(scope="orders.pay")
    def post(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_user(order_id=order_id, user=signed_in_user(request))
        page = order_page_url(request, order)
        session = services.order_checkout_start(
            order=order, success_url=page, cancel_url=f"{page}?cancelled=1"
        )
        data = {
            "order": selectors.order_get(order_id=order.pk),
            "url": session.url,
            "client_options": session.client_options,
            "order_page_url": page,
        }
        return Response(CheckoutOut(data).data)


class OrderCancelApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="order_cancel",
        summary="Give up an unpaid order",
        request=None,
        responses={200: OrderOut, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, order_id: int) -> Response:
        user = signed_in_user(request)
        order = selectors.order_get_for_user(order_id=order_id, user=user)
        services.order_cancel(order=order, user=user)
        return Response(_order_out(order))


class OrderMarkPaidApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="order_mark_paid",
        summary="Staff: record an offline payment of a manual order",
        description=(
            "Records the order's total as paid (gateway `manual`) with a note and opens its "
            "courses. Staff only (403 `not_staff`); 409 `not_manual` for orders of an online "
            "gateway. Honours `Idempotency-Key`."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=MarkPaidIn,
        responses={
            201: OrderOut,
            400: ErrorSerializer,
            403: OpenApiResponse(ErrorSerializer, description="`not_staff`"),
            **ERRORS,
            **CONFLICT,
        },
    )
    @idempotent(scope="orders.mark_paid")
    def post(self, request: Request, order_id: int) -> Response:
        s = MarkPaidIn(data=request.data)
        s.is_valid(raise_exception=True)
        order = selectors.order_get(order_id=order_id)
        services.order_mark_paid(
            order=order, user=signed_in_user(request), note=s.validated_data["note"]
        )
        return Response(_order_out(order), status=status.HTTP_201_CREATED)
