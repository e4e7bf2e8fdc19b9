from typing import Any

from django.http import HttpRequest

from accounts import roles as role_helpers


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    owned = role_helpers.user_roles(user)
    return {
        "user_roles": owned,
        "primary_role": role_helpers.primary_role(user) if owned else None,
        "is_mentor": role_helpers.Role.MENTOR in owned,
        "is_moderator": role_helpers.Role.MODERATOR in owned or role_helpers.Role.ADMIN in owned,
        "is_admin_role": role_helpers.Role.ADMIN in owned,
    }
