"""Start-up checks of the badge signing key (``KALPLA_BADGE_SIGNING_KEY``)."""

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .signing import parse_private_key

HINT = (
    "Set KALPLA_BADGE_SIGNING_KEY to an Ed25519 private key: PEM, or base64 of its 32-byte "
    'seed, e.g. python -c "import base64,os; print(base64.b64encode(os.urandom(32)).decode())".'
)


@checks.register()
def badge_signing_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    value = settings.KALPLA_BADGE_SIGNING_KEY
    if value.strip():
        try:
            parse_private_key(value)
        except ImproperlyConfigured as exc:
            return [checks.Error(str(exc), hint=HINT, id="assessments.E001")]
        return []
    if settings.DEBUG:
        return []
    return [
        checks.Warning(
            "KALPLA_BADGE_SIGNING_KEY is not set: Open Badges 3.0 credentials are signed with a "
            "key derived from DJANGO_SECRET_KEY, and stop verifying when that key changes.",
            hint=HINT,
            id="assessments.W001",
        )
    ]
