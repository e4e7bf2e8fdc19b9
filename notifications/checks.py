from typing import Any

from django.conf import settings
from django.core import checks
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from kalpla.checks import dotted_path_errors
from notifications.kinds import KINDS
from notifications.models import Channel
from notifications.services.delivery import CHANNEL_SENDERS

# The templates a kind needs to be shown in the list (always) and sent on a channel it is on
# by default.
REQUIRED_TEMPLATES: dict[str, tuple[str, ...]] = {
    Channel.IN_APP: ("title.txt", "inapp.txt"),
    Channel.EMAIL: ("subject.txt", "body.txt"),
    Channel.SMS: ("sms.txt",),
    Channel.PUSH: ("push_title.txt", "push_body.txt"),
}


@checks.register(checks.Tags.templates)
def notification_kinds_have_templates(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every registered notification kind can be rendered (checked at start-up)."""
    errors: list[checks.CheckMessage] = []
    for name, kind in sorted(KINDS.items()):
        channels = [Channel.IN_APP, *(c for c, on in kind.defaults.items() if on)]
        for channel in dict.fromkeys(channels):
            for template in REQUIRED_TEMPLATES.get(channel, ()):
                try:
                    get_template(f"{kind.template_dir}/{template}")
                except TemplateDoesNotExist:
                    errors.append(
                        checks.Error(
                            f"Notification kind {name!r} has no template {template} "
                            f"(needed for {channel}).",
                            hint=f"Add templates/{kind.template_dir}/{template}.",
                            id="notifications.E001",
                        )
                    )
    return errors


@checks.register()
def notification_channels_have_senders(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every channel but in-app has a sender, and every email event handler that settings
    name can be imported (checked at start-up)."""
    errors: list[checks.CheckMessage] = [
        checks.Error(
            f"Notification channel {channel!r} has no sender.",
            hint="Add it to CHANNEL_SENDERS in notifications/services/delivery.py.",
            id="notifications.E002",
        )
        for channel in Channel.values
        if channel != Channel.IN_APP and not callable(CHANNEL_SENDERS.get(channel))
    ]
    for path in settings.KALPLA_EMAIL_EVENT_HANDLERS:
        errors += dotted_path_errors(
            path,
            what="An email event handler of KALPLA_EMAIL_EVENT_HANDLERS",
            hint="Name a function taking an EmailEvent (notifications/email_events.py).",
            id="notifications.E003",
        )
    return errors
