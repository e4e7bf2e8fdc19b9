from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from rest_framework.request import Request

from accounts.models import ApiKey, User

# Set by the account adapter when a sign-in is the account's first; lasts the session.
FIRST_VISIT_SESSION_KEY = "kalpla_first_visit"


def is_first_visit(request: HttpRequest) -> bool:
    """This session began with the account's first sign-in (greet "Welcome", not "back")."""
    return bool(request.session.get(FIRST_VISIT_SESSION_KEY))


def api_key_list(*, user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user).order_by("revoked_at", "-created_at")


def api_key_get(*, user: User, key_id: int) -> ApiKey:
    """Another user's key is a 404: its existence is not theirs to know."""
    return get_object_or_404(ApiKey, pk=key_id, user=user)


def signed_in_user(request: HttpRequest | Request) -> User:
    """The request's user, typed; views call it after their login/permission check."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
