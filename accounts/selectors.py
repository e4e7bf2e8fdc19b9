from collections.abc import Sequence
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.cache import user_scope
from accounts.models import ApiKey, User
from accounts.roles import Role


class _SignedInRequest(Protocol):
    """A Django or a DRF request: both carry the user."""

    @property
    def user(self) -> Any: ...


# Set by the account adapter when a sign-in is the account's first; lasts the session.
FIRST_VISIT_SESSION_KEY = "kalpla_first_visit"


def is_first_visit(request: HttpRequest) -> bool:
    """This session began with the account's first sign-in (greet "Welcome", not "back")."""
    return bool(request.session.get(FIRST_VISIT_SESSION_KEY))


def user_cache_scope(user_id: int) -> str:
    """The cache scope moved on every save of the user (``kalpla.cache`` versions): cached
    data showing the user (their name) keeps its version to be retired with it."""
    return user_scope(user_id)


def api_key_list(*, user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user).order_by("revoked_at", "-created_at")


def api_key_get(*, user: User, key_id: int) -> ApiKey:
    """Another user's key is a 404: its existence is not theirs to know."""
    return get_object_or_404(ApiKey, pk=key_id, user=user)


def staff_user_list() -> QuerySet[User]:
    """Everyone ``accounts.policies.user_is_staff`` accepts: active users with the staff flag,
    superusers and the Admin role."""
    return User.objects.filter(
        Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name=Role.ADMIN), is_active=True
    ).distinct()


def signed_in_user(request: HttpRequest | _SignedInRequest) -> User:
    """The request's user, typed; views call it after their login/permission check."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def user_ids_by_email(*, emails: Sequence[str]) -> dict[str, tuple[int, bool]]:
    """``{email: (user_id, is_active)}`` of the accounts of ``emails`` (stored lower case, as
    sign-up and invitations store them), in one statement however many: one array parameter
    (``= ANY``), not a placeholder per address, for the thousand of an import's batch."""
    if not emails:
        return {}
    if connection.vendor != "postgresql":  # the embedded default (SQLite): no arrays
        rows = User.objects.filter(email__in=list(emails)).values_list("email", "id", "is_active")
        return {email: (user_id, active) for email, user_id, active in rows}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT email, id, is_active FROM {User._meta.db_table} "  # noqa: S608 - the model's table
            "WHERE email = ANY(%s::text[])",
            [list(emails)],
        )
        return {email: (user_id, active) for email, user_id, active in cursor.fetchall()}


def users_with_role_query(*, role: str) -> QuerySet[Any]:
    """``pk`` values of the users holding ``role`` (superusers hold Admin), as a subquery."""
    holders = Q(groups__name=role)
    if role == Role.ADMIN:
        holders |= Q(is_superuser=True)
    return User.objects.filter(holders).order_by().values("pk")
