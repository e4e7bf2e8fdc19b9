from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.models import (
    Delivery,
    Device,
    EmailSuppression,
    Notification,
    NotificationPreference,
    NotificationSettings,
    PhoneNumber,
)
from notifications.services.push import device_unregister
from notifications.services.suppression import normalize_email, suppression_lift


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Notification]
    ) -> QuerySet[Notification]:
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "destination", "provider_message_id", "attempts", "sent_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "category", "title", "urgent", "created_at", "read_at")
    list_filter = ("kind", "category", ReadFilter, "urgent")
    search_fields = ("recipient__email", "title")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)
    inlines = (DeliveryInline,)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "status",
        "user",
        "notification_kind",
        "destination",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("channel", "status")
    search_fields = ("provider_message_id", "user__email", "destination")
    list_select_related = ("user", "notification")
    raw_id_fields = ("user", "notification")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("kind"), ordering="notification__kind")
    def notification_kind(self, obj: Delivery) -> str:
        return obj.notification.kind if obj.notification else gettext("digest")


@admin.action(description=_("Lift suppression (allow email again)"))
def lift_suppression(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[EmailSuppression]
) -> None:
    count = 0
    for suppression in queryset.filter(active=True):
        suppression_lift(suppression=suppression, by=request.user)
        count += 1
    modeladmin.message_user(
        request, gettext("%(count)d address(es) can receive email again.") % {"count": count}
    )


@admin.register(EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    list_display = ("email", "active", "reason", "soft_bounces", "updated_at", "lifted_at")
    list_filter = ("active", "reason")
    search_fields = ("email",)
    list_select_related = ("lifted_by",)
    readonly_fields = ("soft_bounces", "created_at", "updated_at", "lifted_at", "lifted_by")
    actions = (lift_suppression,)

    def save_model(
        self, request: HttpRequest, obj: EmailSuppression, form: Any, change: bool
    ) -> None:
        # Events look addresses up lower-cased; a hand-typed "Name@Example.com" must match.
        obj.email = normalize_email(obj.email)
        super().save_model(request, obj, form, change)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "category", "channel", "enabled", "updated_at")
    list_filter = ("channel", "category", "enabled")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "digest", "quiet_start", "quiet_end", "last_digest_at")
    list_filter = ("digest",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(PhoneNumber)
class PhoneNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "user", "verified_at", "sms_mfa_enabled", "code_sent_at")
    list_filter = ("sms_mfa_enabled", ("verified_at", admin.EmptyFieldListFilter))
    search_fields = ("number", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    # The code hash never appears; verification happens only through the code the user gets.
    exclude = ("code_hash",)
    readonly_fields = ("code_sent_at", "code_attempts")


@admin.action(description=_("Unregister (stop push to these devices)"))
def unregister_devices(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Device]
) -> None:
    count = 0
    for device in queryset:
        device_unregister(device=device)
        count += 1
    modeladmin.message_user(
        request, gettext("%(count)d device(s) unregistered.") % {"count": count}
    )


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "platform", "enabled", "created_at", "last_seen_at")
    list_filter = ("platform", "enabled")
    search_fields = ("user__email", "token", "endpoint_id")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("endpoint_id", "created_at", "last_seen_at")
    actions = (unregister_devices,)
