"""The bell's unread count on every page (settings TEMPLATES context_processors)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    """``notifications_unread``: evaluated only when a template shows it, then from the
    cache (one COUNT query when the cache is cold)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    user_id = user.pk
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user_id=user_id))}
