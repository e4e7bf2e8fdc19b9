from typing import Any

from django.core import checks
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from notifications.kinds import KINDS
from notifications.models import Channel

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
