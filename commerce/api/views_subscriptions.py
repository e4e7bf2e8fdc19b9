"""Plans (``/api/v1/plans/``, public) and the signed-in user's subscriptions
(``/api/v1/me/subscriptions/``): subscribe, cancel at period end, resume, the gateway's
billing portal; staff record a manual subscription's payment."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from idempotency.keys import IDEMPOTENCY_PARAMETER, idempotent
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer

from .. import selectors_subscriptions as selectors
from ..services import subscriptions as services
from .serializers_subscriptions import (
    PlanOut,
    PortalOut,
    SubscribeIn,
    SubscribeOut,
    SubscriptionMarkPaidIn,
    SubscriptionOut,
)

TAGS = ["subscriptions"]
ERROR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input")
ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not signed in")
ERROR_403 = OpenApiResponse(ErrorSerializer, description="Not staff")
ERROR_404 = OpenApiResponse(ErrorSerializer, description="No such plan or subscription")
ERROR_409 = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Not possible in the subscription's state: `already_subscribed`, `subscription_ended`, "
        "`not_cancelled`, `resume_at_gateway`, `no_billing_portal`, `not_manual`"
    ),
    examples=[
        OpenApiExample(
            "Already subscribed",
            value={"message": "You already subscribe to this plan.", "code": "already_subscribed"},
        )
    ],
)
ERROR_503 = OpenApiResponse(
    ErrorSerializer, description="`gateway_unavailable`: the payment provider did not answer"
)

PLAN_EXAMPLE: dict[str, Any] = {
    "id": 1,
    "slug": "all-access-monthly",
    "name": "All access (monthly)",
    "description": "Every course in the catalogue.",
    "interval": "month",
    "price": {"amount": "499.00", "currency": "INR"},
    "trial_days": 7,
    "all_courses": True,
    "courses": [],
}
SUBSCRIPTION_EXAMPLE: dict[str, Any] = {
    "id": 5,
    "plan": {
        "id": 1,
        "slug": "all-access-monthly",
        "name": "All access (monthly)",
        "interval": "month",
    },
    "status": "active",
    "gateway": "stripe",
    "has_access": True,
    "trial_ends_at": None,
    "current_period_start": "2026-12-01T10:00:00Z",
    "current_period_end": "2027-01-01T10:00:00Z",
    "cancel_at_period_end": False,
    "cancelled_at": None,
    "created_at": "2026-12-01T09:58:00Z",
}


def _paginated(view: Any, request: Request, rows: Any, out: type[Any]) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(rows, request, view)
    return paginator.get_paginated_response(out(page, many=True).data)


class PlanListApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="plans_list",
        summary="Plans on sale",
        description=(
            "Subscription plans, cheapest first: price per month or year, free trial days, and "
            "the courses they open (`all_courses`: the whole catalogue). Anonymous access is "
            "allowed."
        ),
        responses={200: PlanOut(many=True)},
        examples=[
            OpenApiExample(
                "Plans",
                value={"count": 1, "next": None, "previous": None, "results": [PLAN_EXAMPLE]},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return _paginated(self, request, selectors.plan_list(), PlanOut)


class PlanDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="plans_retrieve",
        summary="A plan",
        responses={200: PlanOut, 404: ERROR_404},
        examples=[OpenApiExample("Plan", value=PLAN_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(PlanOut(selectors.plan_get(slug=slug)).data)


class PlanSubscribeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="plans_subscribe",
        summary="Subscribe to a plan",
        description=(
            "Starts a subscription through the site's payment gateway. Stripe: open "
            "`checkout.url` to pay; Razorpay: open Razorpay Checkout with "
            "`checkout.client_options`. The subscription stays `incomplete` until the "
            "gateway's webhook confirms the payment (poll `GET /api/v1/me/subscriptions/{id}/`); "
            "never trust the redirect back alone. Manual gateway: `checkout` is null; a plan "
            "with a trial starts `trialing` at once, otherwise staff record the payment. "
            "Asking again while a checkout is pending answers with the same subscription. "
            "`coupon` (optional) takes off the first period; a refused one is a 400 with "
            "`errors.coupon`."
        ),
        request=SubscribeIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: SubscribeOut,
            400: OpenApiResponse(
                ErrorSerializer,
                description="`coupon_invalid` and the like: the coupon was refused",
                examples=[
                    OpenApiExample(
                        "Coupon refused",
                        value={
                            "message": "This coupon has expired.",
                            "code": "coupon_expired",
                            "errors": {"coupon": ["This coupon has expired."]},
                        },
                    )
                ],
            ),
            401: ERROR_401,
            404: ERROR_404,
            409: ERROR_409,
            503: ERROR_503,
        },
        examples=[
            OpenApiExample(
                "Stripe checkout",
                value={
                    "subscription": {**SUBSCRIPTION_EXAMPLE, "status": "incomplete"},
                    "checkout": {
                        "reference": "cs_test_a1b2c3",
                        "url": "https://checkout.stripe.com/c/pay/cs_test_a1b2c3",
                        "client_options": {},
                    },
                },
                response_only=True,
            )
        ],
    )
    @idempotent(scope="plans.subscribe")
    def post(self, request: Request, slug: str) -> Response:
        data = SubscribeIn(data=request.data)
        data.is_valid(raise_exception=True)
        plan = selectors.plan_get(slug=slug)
        detail = request.build_absolute_uri(reverse("subscriptions:detail", args=[0]))
        started = services.subscription_start(
            user=request.user,
            plan=plan,
            success_url=detail.replace("/0/", "/{subscription}/"),
            cancel_url=request.build_absolute_uri(reverse("subscriptions:plan", args=[slug])),
            coupon_code=data.validated_data.get("coupon", ""),
        )
        session = started.checkout
        body = {
            "subscription": started.subscription,
            "checkout": (
                None
                if session is None
                else {
                    "reference": session.reference,
                    "url": session.url,
                    "client_options": session.client_options,
                }
            ),
        }
        return Response(SubscribeOut(body).data, status=201)


class MySubscriptionsApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="me_subscriptions_list",
        summary="My subscriptions, newest first",
        responses={200: SubscriptionOut(many=True), 401: ERROR_401},
        examples=[
            OpenApiExample(
                "Subscriptions",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [SUBSCRIPTION_EXAMPLE],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return _paginated(
            self, request, selectors.subscription_list(user=request.user), SubscriptionOut
        )


class MySubscriptionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="me_subscriptions_retrieve",
        summary="One of my subscriptions",
        responses={200: SubscriptionOut, 401: ERROR_401, 404: ERROR_404},
        examples=[OpenApiExample("Subscription", value=SUBSCRIPTION_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, subscription_id: int) -> Response:
        sub = selectors.subscription_get(user=request.user, subscription_id=subscription_id)
        return Response(SubscriptionOut(sub).data)


class MySubscriptionCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="me_subscriptions_cancel",
        summary="Cancel at the end of the paid period",
        description=(
            "The plan does not renew; its courses stay open until `current_period_end`. A "
            "subscription still waiting for its first payment is dropped at once. Idempotent."
        ),
        request=None,
        responses={
            200: SubscriptionOut,
            401: ERROR_401,
            404: ERROR_404,
            409: ERROR_409,
            503: ERROR_503,
        },
    )
    def post(self, request: Request, subscription_id: int) -> Response:
        sub = selectors.subscription_get(user=request.user, subscription_id=subscription_id)
        sub = services.subscription_cancel(subscription=sub, user=request.user)
        return Response(SubscriptionOut(sub).data)


class MySubscriptionResumeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="me_subscriptions_resume",
        summary="Undo a cancellation before the period ends",
        request=None,
        responses={
            200: SubscriptionOut,
            401: ERROR_401,
            404: ERROR_404,
            409: ERROR_409,
            503: ERROR_503,
        },
    )
    def post(self, request: Request, subscription_id: int) -> Response:
        sub = selectors.subscription_get(user=request.user, subscription_id=subscription_id)
        sub = services.subscription_resume(subscription=sub, user=request.user)
        return Response(SubscriptionOut(sub).data)


class MySubscriptionPortalApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="me_subscriptions_portal",
        summary="A link to the gateway's billing portal",
        description=(
            "Stripe's Billing Portal, where the subscriber changes card, sees invoices and "
            "cancels or resumes. 409 `no_billing_portal` for gateways without one (manual, "
            "Razorpay). The portal sends the subscriber back to their subscription's page."
        ),
        request=None,
        responses={
            200: PortalOut,
            400: ERROR_400,
            401: ERROR_401,
            404: ERROR_404,
            409: ERROR_409,
            503: ERROR_503,
        },
        examples=[
            OpenApiExample(
                "Portal",
                value={"url": "https://billing.stripe.com/p/session/test_x"},
                response_only=True,
            )
        ],
    )
    def post(self, request: Request, subscription_id: int) -> Response:
        sub = selectors.subscription_get(user=request.user, subscription_id=subscription_id)
        back = request.build_absolute_uri(reverse("subscriptions:detail", args=[sub.pk]))
        url = services.subscription_portal_url(subscription=sub, user=request.user, return_url=back)
        return Response(PortalOut({"url": url}).data)


class SubscriptionMarkPaidApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="subscriptions_mark_paid",
        summary="Staff: record a manual subscription's payment",
        description=(
            "Records one period's payment (an order and invoice of its own) and starts or "
            "extends the paid period; a lapsed subscription comes back with its courses' "
            "progress. Staff only; manual subscriptions only."
        ),
        request=SubscriptionMarkPaidIn,
        responses={
            200: SubscriptionOut,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409,
        },
    )
    def post(self, request: Request, subscription_id: int) -> Response:
        data = SubscriptionMarkPaidIn(data=request.data)
        data.is_valid(raise_exception=True)
        sub = selectors.subscription_staff_get_for(
            user=request.user, subscription_id=subscription_id
        )
        sub = services.subscription_mark_paid(
            subscription=sub, by=request.user, **data.validated_data
        )
        return Response(SubscriptionOut(sub).data)
