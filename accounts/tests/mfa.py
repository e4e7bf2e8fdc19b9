"""Second-factor helpers for the sign-in tests."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def totp_now(secret: str) -> str:
    """The TOTP code an authenticator app shows for ``secret`` now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
