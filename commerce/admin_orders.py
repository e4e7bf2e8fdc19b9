"""Orders in the admin, and the staff actions on manual orders: "mark paid" and "grant
access", each asking for a note on a confirmation page before it acts.

The two actions are plain functions so any ``OrderAdmin`` can list them; if another module
registered ``Order`` first, they are added to its actions.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commerce.models import GatewayEvent, Order, OrderItem, Payment
from commerce.services import orders as services
from kalpla.exceptions import ApplicationError


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text=gettext_lazy("How it was paid, or why access is granted (kept on the order)."),
    )


def _settle(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Order], *, grant: bool
) -> HttpResponse | None:
    form = NoteForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for order in queryset:
            try:
                if grant:
                    services.order_grant_access(
                        order=order, user=request.user, note=form.cleaned_data["note"]
                    )
                else:
                    services.order_mark_paid(
                        order=order, user=request.user, note=form.cleaned_data["note"]
                    )
                done += 1
            except ApplicationError as exc:
                modeladmin.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
        if done:
            modeladmin.message_user(
                request, _("%(count)d order(s) settled.") % {"count": done}, messages.SUCCESS
            )
        return None
    return TemplateResponse(
        request,
        "admin/commerce/order_settle.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Grant access") if grant else _("Mark paid"),
            "orders": queryset,
            "form": form,
            "action": request.POST.get("action", ""),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.action(description=gettext_lazy("Mark paid (offline payment received)"))
def mark_paid(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Order]) -> Any:
    return _settle(modeladmin, request, queryset, grant=False)


@admin.action(description=gettext_lazy("Grant access without payment"))
def grant_access(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Order]) -> Any:
    return _settle(modeladmin, request, queryset, grant=True)


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    fields = ("kind", "title", "course", "plan", "list_price", "discount", "tax", "total")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("gateway", "gateway_payment_id", "amount", "currency", "recorded_by", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "user", "status", "gateway", "total", "currency", "created_at")
    list_filter = ("status", "gateway", "created_at")
    search_fields = ("number", "user__email", "gateway_order_id")
    list_select_related = ("user",)
    inlines = [OrderItemInline, PaymentInline]
    readonly_fields = (
        "number", "user", "status", "gateway", "gateway_order_id", "checkout_url", "currency",
        "subtotal", "discount", "tax", "total", "tax_rate", "tax_inclusive", "coupon",
        "created_at", "paid_at",
    )  # fmt: skip
    fields = (*readonly_fields, "note")
    actions = [mark_paid, grant_access]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class GatewayEventAdmin(admin.ModelAdmin):
    list_display = ("gateway", "event_id", "type", "outcome", "received_at")
    list_filter = ("gateway", "outcome", "type")
    search_fields = ("event_id",)
    readonly_fields = ("gateway", "event_id", "type", "payload", "outcome", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


if admin.site.is_registered(Order):
    registered = admin.site.get_model_admin(Order)
    registered.actions = [*(registered.actions or ()), mark_paid, grant_access]
else:
    admin.site.register(Order, OrderAdmin)
if not admin.site.is_registered(GatewayEvent):
    admin.site.register(GatewayEvent, GatewayEventAdmin)
