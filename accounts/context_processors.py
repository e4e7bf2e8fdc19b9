from typing import Any

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import roles as role_helpers
from accounts.policies import user_is_moderator


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    owned = role_helpers.user_roles(user)
    return {
        "user_roles": owned,
        "primary_role": role_helpers.primary_role(user) if owned else None,
        "is_mentor": role_helpers.Role.MENTOR in owned,
        "is_moderator": bool(owned) and user_is_moderator(user),
        "is_admin_role": role_helpers.Role.ADMIN in owned,
    }


def sign_in_next(request: HttpRequest) -> dict[str, Any]:
    """Where the top bar's "Sign in" / "Sign up" should come back to (``?next=``).

    The page itself, except the home page; on the account pages, the ``next`` they carry.
    """
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return {}
    path = request.path
    if path.startswith("/accounts/"):
        candidate = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return {"sign_in_next": candidate if candidate and safe else ""}
    return {"sign_in_next": "" if path == "/" else request.get_full_path()}
