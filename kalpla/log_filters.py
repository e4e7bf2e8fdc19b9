"""Logging filters configured in settings.LOGGING."""

import logging
import re

_TOKEN = re.compile(r"([?&](?:token|session_token)=)[^&#\s\"']*", re.IGNORECASE)
REDACTED = "[redacted]"


def redact_query_secrets(text: str) -> str:
    return _TOKEN.sub(rf"\g<1>{REDACTED}", text)


class RedactQuerySecrets(logging.Filter):
    """Strips ``?token=`` (WebSocket session tokens of older apps) from logged URLs.

    Attached to uvicorn's access and error loggers, whose records carry the request path
    with its query string as an argument.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_query_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_query_secrets(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
