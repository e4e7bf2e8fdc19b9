"""Who a user is on the platform, asked in one place: every app's policies build on these.

Small pure functions of the user (roles are read once per request and cached on the user,
``accounts.roles.user_roles``). They import no services, so any layer may call them.

- active: signed in with an account that is not deactivated;
- staff: active, and the ``is_staff`` flag, a superuser or the Admin role (the people who run
  the platform: they review and publish courses and see every course and lesson);
- moderator: active, with the Moderator or Admin role (superusers count as Admins);
- mentor: active, with the Mentor role.
"""

from typing import Any

from accounts.roles import Role, user_has_role


def user_is_active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def user_is_staff(user: Any) -> bool:
    return user_is_active(user) and (
        bool(getattr(user, "is_staff", False)) or user_has_role(user, Role.ADMIN)
    )


def user_is_moderator(user: Any) -> bool:
    return user_is_active(user) and user_has_role(user, Role.MODERATOR, Role.ADMIN)


def user_is_mentor(user: Any) -> bool:
    return user_is_active(user) and user_has_role(user, Role.MENTOR)


def user_is_mentor_or_admin(user: Any) -> bool:
    """Sees the mentor's side of the site (teaching dashboard, authoring)."""
    return user_is_active(user) and user_has_role(user, Role.MENTOR, Role.ADMIN)
