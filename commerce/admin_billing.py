"""Staff's view of what was sold: plans, coupons, orders, payments, refunds, subscriptions,
invoices and gateway events, with filters, search and the totals of what the filters show
(per currency: amounts in different currencies are never added).

Money records are not edited by hand: payments, refunds, invoices and events are read-only
(they mirror the gateway or are legal documents); orders are refunded with the "Refund"
action or from the staff refund page, which go through the gateway.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalpla.errors import service_error_text
from kalpla.exceptions import ApplicationError

from .models import (
    Coupon,
    GatewayEvent,
    Invoice,
    InvoiceCounter,
    Order,
    OrderItem,
    Payment,
    Refund,
)
from .services.refunds import refund_create


class TotalsMixin:
    """Adds ``totals`` (per currency, over the filtered rows) to the change list; the
    template admin/commerce/change_list.html shows them above the table."""

    totals_fields: tuple[str, ...] = ()
    totals_currency = "currency"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data["totals"] = self.totals(changelist.queryset)
            response.context_data["totals_labels"] = [
                self.model._meta.get_field(name).verbose_name  # type: ignore[attr-defined]
                for name in self.totals_fields
            ]
        return response

    def totals(self, queryset: QuerySet) -> list[dict[str, Any]]:
        rows = (
            queryset.order_by()
            .values(self.totals_currency)
            .annotate(count=Count("pk"), **{f: Sum(f) for f in self.totals_fields})
            .order_by(self.totals_currency)
        )
        return [
            {
                "currency": row[self.totals_currency],
                "count": row["count"],
                "values": [row[f] or Decimal("0.00") for f in self.totals_fields],
            }
            for row in rows
        ]


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CouponForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = (
            "code",
            "description",
            "kind",
            "value",
            "currency",
            "scope",
            "course",
            "plan",
            "max_uses",
            "max_uses_per_user",
            "valid_from",
            "valid_until",
            "first_purchase_only",
            "is_active",
        )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Coupon.Kind.FIXED and not cleaned.get("currency"):
            self.add_error("currency", _("A fixed amount needs its currency (e.g. INR)."))
        if cleaned.get("currency"):
            cleaned["currency"] = str(cleaned["currency"]).upper()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The end must be after the start."))
        return cleaned


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    form = CouponForm
    list_display = (
        "code",
        "kind",
        "value",
        "currency",
        "scope",
        "target",
        "uses",
        "valid_from",
        "valid_until",
        "first_purchase_only",
        "is_active",
    )
    list_filter = ("is_active", "kind", "scope", "first_purchase_only")
    search_fields = ("code", "description", "course__title", "plan__name")
    autocomplete_fields = ("course", "plan")
    readonly_fields = ("times_used", "created_at")
    list_select_related = ("course", "plan")

    @admin.display(description=_("applies to"))
    def target(self, coupon: Coupon) -> str:
        return str(coupon.course or coupon.plan or _("Everything"))

    @admin.display(description=_("used"))
    def uses(self, coupon: Coupon) -> str:
        return (
            f"{coupon.times_used} / {coupon.max_uses}"
            if coupon.max_uses
            else str(coupon.times_used)
        )


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    fields = (
        "kind",
        "title",
        "course",
        "plan",
        "cohort_id",
        "list_price",
        "discount",
        "tax",
        "total",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    show_change_link = True
    fields = (
        "gateway",
        "gateway_payment_id",
        "amount",
        "currency",
        "status",
        "recorded_by",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RefundActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


@admin.register(Order)
class OrderAdmin(TotalsMixin, admin.ModelAdmin):
    totals_fields = ("subtotal", "discount", "tax", "total")
    list_display = (
        "number",
        "user",
        "status",
        "gateway",
        "money_total",
        "coupon",
        "created_at",
        "paid_at",
    )
    list_filter = ("status", "gateway", "currency", "created_at", "paid_at")
    search_fields = (
        "number",
        "user__email",
        "user__name",
        "gateway_order_id",
        "payments__gateway_payment_id",
        "coupon__code",
    )
    date_hierarchy = "created_at"
    list_select_related = ("user", "coupon")
    inlines = [OrderItemInline, PaymentInline]
    readonly_fields = (
        "number",
        "user",
        "status",
        "gateway",
        "gateway_order_id",
        "checkout_url",
        "currency",
        "subtotal",
        "discount",
        "tax",
        "total",
        "tax_rate",
        "tax_inclusive",
        "coupon",
        "created_at",
        "updated_at",
        "paid_at",
        "receipt_link",
    )
    fields = (*readonly_fields, "note")
    actions = ["refund_in_full"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are made by checkout

    @admin.display(description=_("total"), ordering="total")
    def money_total(self, order: Order) -> str:
        return f"{order.currency} {order.total}"

    @admin.display(description=_("receipt"))
    def receipt_link(self, order: Order) -> str:
        links = format_html(
            '<a href="{}">{}</a>', reverse("billing:receipt", args=[order.pk]), _("Receipt")
        )
        if order.status in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED):
            links += format_html(
                ' · <a href="{}">{}</a>', reverse("billing:refund", args=[order.pk]), _("Refund…")
            )
        return links

    @admin.action(description=_("Refund in full (through the gateway)…"))
    def refund_in_full(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> HttpResponse | None:
        if queryset.count() == 1 and "apply" not in request.POST:
            # one order: the refund page, where a partial amount can be chosen too
            return redirect("billing:refund", order_id=queryset.get().pk)
        form = RefundActionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._refund_each(request, queryset, form.cleaned_data["reason"])
            return None
        return TemplateResponse(
            request,
            "admin/commerce/order/refund_action.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Refund orders in full"),
                "orders": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def _refund_each(self, request: HttpRequest, orders: QuerySet[Order], reason: str) -> None:
        done = 0
        for order in orders:
            try:
                refund_create(user=request.user, order=order, amount=None, reason=reason)
                done += 1
            except ApplicationError as exc:
                self.message_user(
                    request, f"{order.number}: {service_error_text(exc)}", messages.ERROR
                )
        if done:
            self.message_user(
                request, _("%(n)d order(s) refunded.") % {"n": done}, messages.SUCCESS
            )


@admin.register(Payment)
class PaymentAdmin(TotalsMixin, ReadOnlyMixin, admin.ModelAdmin):
    totals_fields = ("amount",)
    list_display = ("__str__", "order", "amount", "currency", "status", "recorded_by", "created_at")
    list_filter = ("status", "gateway", "currency", "created_at")
    search_fields = ("gateway_payment_id", "order__number", "order__user__email")
    date_hierarchy = "created_at"
    list_select_related = ("order", "recorded_by")


@admin.register(Refund)
class RefundAdmin(TotalsMixin, ReadOnlyMixin, admin.ModelAdmin):
    totals_fields = ("amount",)
    totals_currency = "payment__currency"
    list_display = (
        "__str__",
        "order_number",
        "amount",
        "status",
        "initiated_by",
        "reason",
        "created_at",
    )
    list_filter = ("status", "payment__gateway", "payment__currency", "created_at")
    search_fields = (
        "gateway_refund_id",
        "payment__gateway_payment_id",
        "payment__order__number",
        "reason",
    )
    date_hierarchy = "created_at"
    list_select_related = ("payment__order", "initiated_by")

    @admin.display(
        description=pgettext_lazy("purchase", "order"), ordering="payment__order__number"
    )
    def order_number(self, refund: Refund) -> str:
        return refund.payment.order.number


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "kind",
        "buyer",
        "order_number",
        "issued_at",
        "emailed_at",
        "pdf_link",
    )
    list_filter = ("kind", "year", "issued_at")
    search_fields = ("number", "payment__order__number", "payment__order__user__email")
    date_hierarchy = "issued_at"
    list_select_related = ("payment__order__user",)

    @admin.display(description=_("buyer"))
    def buyer(self, invoice: Invoice) -> str:
        return str(invoice.payment.order.user)

    @admin.display(
        description=pgettext_lazy("purchase", "order"), ordering="payment__order__number"
    )
    def order_number(self, invoice: Invoice) -> str:
        return invoice.payment.order.number

    @admin.display(description=_("PDF"))
    def pdf_link(self, invoice: Invoice) -> str:
        url = reverse("billing:invoice_pdf", args=[invoice.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


@admin.register(GatewayEvent)
class GatewayEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("event_id", "gateway", "type", "outcome", "received_at")
    list_filter = ("gateway", "outcome", "type")
    search_fields = ("event_id", "type")
    date_hierarchy = "received_at"


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("kind", "year", "last")
    list_filter = ("kind", "year")
