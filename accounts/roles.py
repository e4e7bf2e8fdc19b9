"""Roles are Django groups. These helpers are what every other app uses to ask about them."""

from enum import StrEnum
from typing import Any

from django.core.cache import cache


class Role(StrEnum):
    STUDENT = "Student"
    MENTOR = "Mentor"
    MODERATOR = "Moderator"
    ADMIN = "Admin"


ALL_ROLES: tuple[Role, ...] = tuple(Role)


ROLES_TTL = 5 * 60
"""A safety net for writes no signal tells about (``update()``, raw SQL)."""


def roles_key(user_id: int) -> str:
    return f"accounts:roles:{user_id}"


def user_roles(user: Any) -> frozenset[str]:
    """The user's role names, cached on the user object for the rest of the request and in
    the cache between requests (``accounts.cache`` retires them when they change)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_kalpla_roles", None)
    if cached is None:
        key = roles_key(user.pk)
        stored = cache.get(key)
        if stored is None:
            names = set(user.groups.values_list("name", flat=True))
            if user.is_superuser:
                names.add(Role.ADMIN)
            stored = tuple(sorted(name for name in names if name in ALL_ROLES))
            cache.set(key, stored, timeout=ROLES_TTL)
        cached = frozenset(stored)
        user._kalpla_roles = cached
    return cached


def user_has_role(user: Any, *roles: Role | str) -> bool:
    owned = user_roles(user)
    return any(str(role) in owned for role in roles)


def is_moderator(user: Any) -> bool:
    return user_has_role(user, Role.MODERATOR, Role.ADMIN)


def primary_role(user: Any) -> Role | None:
    """The role the site greets the user by: the most privileged one they hold."""
    for role in (Role.ADMIN, Role.MODERATOR, Role.MENTOR, Role.STUDENT):
        if user_has_role(user, role):
            return role
    return None
