"""Staff's view of plans and subscriptions. Subscriptions are records kept in step with the
gateways: their state is read-only here; "Record a payment" renews a manual subscription
(as on /staff/subscriptions/) and "Ask the gateway" re-reads a gateway's subscription."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce.gateways import GatewayError, get_gateway
from commerce.models import Plan, Subscription
from commerce.services.subscription_state import subscription_access_sync
from commerce.services.subscriptions import subscription_apply_remote, subscription_mark_paid
from kalpla.exceptions import ApplicationError


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "interval",
        "price",
        "currency",
        "trial_days",
        "all_courses",
        "is_active",
        "subscribers",
    )
    list_filter = ("is_active", "interval", "all_courses", "currency")
    search_fields = ("name", "slug", "stripe_price_id", "razorpay_plan_id")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("courses",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        live = ("trialing", "active", "past_due")
        return (
            super()
            .get_queryset(request)
            .annotate(n_live=Count("subscriptions", filter=Q(subscriptions__status__in=live)))
        )

    @admin.display(description=_("live subscribers"), ordering="n_live")
    def subscribers(self, plan: Any) -> int:
        return plan.n_live


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "user",
        "plan",
        "status",
        "gateway",
        "current_period_end",
        "cancel_at_period_end",
        "created_at",
    )
    list_filter = ("status", "gateway", "plan", "cancel_at_period_end")
    search_fields = ("user__email", "plan__name", "gateway_subscription_id", "gateway_customer_id")
    date_hierarchy = "created_at"
    list_select_related = ("user", "plan")
    raw_id_fields = ("user", "order")
    readonly_fields = (
        "user",
        "plan",
        "order",
        "gateway",
        "gateway_subscription_id",
        "gateway_customer_id",
        "status",
        "trial_ends_at",
        "current_period_start",
        "current_period_end",
        "cancel_at_period_end",
        "cancelled_at",
        "last_event_at",
        "reminder_sent_for",
        "created_at",
        "updated_at",
    )
    actions = ("record_payment", "ask_gateway")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people subscribe on the site (or the API)

    @admin.action(description=_("Record a payment (manual subscriptions)"))
    def record_payment(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        done = 0
        for sub in queryset:
            try:
                subscription_mark_paid(
                    subscription=sub, by=request.user, note=gettext("Recorded in admin")
                )
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{sub.user}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(
                request, _("%(n)d payments recorded.") % {"n": done}, messages.SUCCESS
            )

    @admin.action(description=_("Ask the gateway for the current state"))
    def ask_gateway(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for sub in queryset:
            if sub.gateway == "manual" or not sub.gateway_subscription_id:
                subscription_access_sync(subscription=sub)
                continue
            try:
                remote = get_gateway(sub.gateway).subscription_status(subscription=sub)
            except GatewayError as exc:
                self.message_user(request, f"{sub.user}: {exc}", messages.WARNING)
                continue
            subscription_apply_remote(gateway=sub.gateway, remote=remote, event_at=None)
        self.message_user(request, _("Subscriptions brought up to date."), messages.SUCCESS)
