from typing import Any

from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import ApiKey, User
from accounts.roles import ALL_ROLES, Role


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(role.value, role.value) for role in ALL_ROLES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value():
            return queryset.filter(groups__name=self.value())
        return queryset


class VerifiedFilter(admin.SimpleListFilter):
    title = _("email verified")
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        verified = Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True))
        if self.value() == "yes":
            return queryset.filter(verified)
        if self.value() == "no":
            return queryset.exclude(verified)
        return queryset


def _role_action(role: Role, add: bool) -> Any:
    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet[User]) -> None:
        if add:
            count = services.users_role_add(users=queryset, role=role)
            modeladmin.message_user(
                request,
                gettext("%(count)d users now have the %(role)s role.")
                % {"count": count, "role": role.value},
            )
        else:
            count = services.users_role_remove(users=queryset, role=role)
            modeladmin.message_user(
                request,
                gettext("%(role)s role removed from %(count)d users.")
                % {"count": count, "role": role.value},
            )

    verb = "add" if add else "remove"
    action.__name__ = f"{verb}_role_{role.value.lower()}"
    action.short_description = (  # type: ignore[attr-defined]
        _("Give the %(role)s role") if add else _("Take away the %(role)s role")
    ) % {"role": role.value}
    return action


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    fields = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "prefix", "created_at", "last_used_at")
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "roles_display", "is_active", "is_staff", "date_joined")
    list_filter = (RoleFilter, VerifiedFilter, "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "avatar", "bio", "timezone", "language")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )
    filter_horizontal = ("groups", "user_permissions")
    inlines = (ApiKeyInline,)
    actions = [_role_action(role, add) for role in ALL_ROLES for add in (True, False)]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles_display(self, user: User) -> str:
        return ", ".join(sorted(group.name for group in user.groups.all())) or "-"


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("prefix", "hashed_key", "created_at", "last_used_at")
    actions = ["revoke"]

    @admin.action(description=_("Revoke selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(key=key)
