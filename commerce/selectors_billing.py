"""Reads of receipts and purchases: a buyer's orders with what the pages show of them."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from kalpla.exceptions import NotFound

from .models import Invoice, Order, OrderItem, Subscription
from .policies_billing import order_receipt_can_view


def my_orders(*, user: Any) -> QuerySet[Order]:
    """The buyer's orders, newest first, with items, coupon and documents (3 queries a page)."""
    return (
        Order.objects.filter(user=user)
        .select_related("coupon")
        .prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.select_related("course", "plan")),
            Prefetch(
                "payments__invoices",
                queryset=Invoice.objects.order_by("issued_at", "pk"),
                to_attr="documents",
            ),
        )
        .order_by("-created_at", "-pk")
    )


def my_subscriptions(*, user: Any) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related("plan").order_by("-created_at")


def order_receipt_get(*, user: Any, order_id: int) -> Order:
    """The order whose receipt ``user`` may see (404 otherwise, another's included)."""
    order = (
        Order.objects.select_related("user", "coupon")
        .prefetch_related("items", "payments__refunds")
        .filter(pk=order_id)
        .first()
    )
    if order is None or not order_receipt_can_view(user=user, order=order):
        raise NotFound(_("Not found."))
    return order


def order_documents(*, order: Order) -> list[Invoice]:
    """The order's invoices and credit notes, in the order they were issued."""
    return list(
        Invoice.objects.filter(payment__order=order)
        .select_related("refund")
        .order_by("issued_at", "pk")
    )


def invoice_get(*, user: Any, invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_related("payment__order").filter(pk=invoice_id).first()
    if invoice is None or not order_receipt_can_view(user=user, order=invoice.payment.order):
        raise NotFound(_("Not found."))
    return invoice
