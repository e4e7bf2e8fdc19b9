"""Reads of orders and payments for pages, the API and the webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from commerce.models import Order, OrderItem, Payment
from kalpla.exceptions import NotFound


def _with_details(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.select_related("user", "coupon").prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.select_related("course", "plan")),
        Prefetch("payments", queryset=Payment.objects.order_by("created_at")),
    )


def order_get_for_user(*, order_id: int, user: Any) -> Order:
    """The order ``order_id`` of ``user``, with its items; NotFound for anyone else's."""
    order = (
        _with_details(Order.objects.filter(user_id=getattr(user, "pk", None) or 0))
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound(_("Not found."))
    return order


def order_get(*, order_id: int) -> Order:
    order = _with_details(Order.objects.all()).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Not found."))
    return order


def order_for_reference(*, gateway: str, reference: str) -> Order | None:
    """The order a gateway names: by our order number or by the gateway's own checkout id."""
    if not reference:
        return None
    return (
        Order.objects.filter(Q(number=reference) | Q(gateway=gateway, gateway_order_id=reference))
        .order_by("pk")
        .first()
    )


def order_staff_list(*, status: str = "", gateway: str = "", search: str = "") -> QuerySet[Order]:
    """Orders for the staff page, newest first, filtered."""
    queryset = _with_details(Order.objects.all())
    if status:
        queryset = queryset.filter(status=status)
    if gateway:
        queryset = queryset.filter(gateway=gateway)
    if search:
        queryset = queryset.filter(
            Q(number__icontains=search)
            | Q(user__email__icontains=search)
            | Q(items__title__icontains=search)
        ).distinct()
    return queryset.order_by("-created_at")


def orders_pending_with_gateway(*, created_before: datetime) -> QuerySet[Order]:
    """Unpaid orders a gateway has heard of, old enough that their webhook is overdue."""
    # A plan's orders are settled by their subscription's events (and the subscriptions
    # sweep), which know the invoice's own payment id: asking the checkout session would
    # record the first period twice.
    return (
        Order.objects.filter(
            status__in=(Order.Status.PENDING, Order.Status.FAILED),
            created_at__lt=created_before,
            gateway__in=("stripe", "razorpay"),
        )
        .exclude(gateway_order_id="")
        .exclude(items__kind=OrderItem.Kind.PLAN)
    )
