"""Helpers for the apps' start-up checks of handlers that settings or registries name by
dotted path (job kinds, email event handlers, file link kinds)."""

from typing import Any

from django.core import checks
from django.utils.module_loading import import_string


def dotted_path_errors(
    path: str, *, what: str, hint: str, id: str, expected: type | None = None
) -> list[checks.CheckMessage]:
    """An error when ``path`` cannot be imported, or names no callable (or no ``expected``
    instance); [] when it is fine. ``what`` says whose handler it is, for the message."""
    try:
        target: Any = import_string(path)
    except ImportError as exc:
        problem = f"{path!r} cannot be imported ({exc})"
    else:
        if expected is not None and not isinstance(target, expected):
            problem = f"{path!r} is not a {expected.__name__}"
        elif expected is None and not callable(target):
            problem = f"{path!r} is not callable"
        else:
            return []
    return [checks.Error(f"{what} has no handler: {problem}.", hint=hint, id=id)]
