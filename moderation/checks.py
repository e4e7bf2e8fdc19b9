from typing import Any

from django.core import checks

from moderation.services import moderation_targets


@checks.register()
def moderation_targets_have_handlers(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every model registered for moderation can be described and hidden (checked at start-up)."""
    errors: list[checks.CheckMessage] = []
    for model, handler in moderation_targets().items():
        label = model._meta.label
        for name in ("describe", "hide"):
            if not callable(getattr(handler, name)):
                errors.append(
                    checks.Error(
                        f"Moderation target {label} has no {name} handler.",
                        hint="Pass describe= and hide= functions to moderation_register().",
                        id="community.E001",
                    )
                )
        if handler.keep is not None and not callable(handler.keep):
            errors.append(
                checks.Error(
                    f"Moderation target {label}: keep is not callable.", id="community.E001"
                )
            )
    return errors
