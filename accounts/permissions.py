"""DRF permission classes by role, reused by every app's API."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request

from accounts.models import ApiKey
from accounts.policies import user_is_moderator
from accounts.roles import Role, user_has_role


class HasRole(BasePermission):
    """Allow users holding any of ``roles``; Admins are always allowed."""

    roles: tuple[Role, ...] = ()
    message = "You do not have the role this action needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user_has_role(user, *self.roles, Role.ADMIN))


class IsModerator(HasRole):
    roles = (Role.MODERATOR,)

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_is_moderator(request.user)


class RefuseApiKey(BasePermission):
    """API keys are for integrations reading and writing the user's data; managing the
    account's credentials (API keys, phone and SMS sign-in codes, push devices) needs the
    site session or an app session token, so a leaked key cannot outlive its revocation."""

    message = _("API keys cannot manage the account. Sign in on the site or in the app.")
    code = "api_key_not_allowed"

    def has_permission(self, request: Request, view: Any) -> bool:
        return not isinstance(getattr(request, "auth", None), ApiKey)


ACCOUNT_MANAGEMENT_PERMISSIONS = [IsAuthenticated, RefuseApiKey]
"""``permission_classes`` of every account-management API view."""
