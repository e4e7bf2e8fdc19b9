"""Keeps secrets that travel in URLs out of the logs (formatters configured in settings.LOGGING).

uvicorn's access and error lines carry each request's path with its query string, and
Django's request loggers name the path in the message and, in JSON lines, in the ``request``
field. Secrets that reach us that way:

- ``?token=`` / ``?session_token=``: WebSocket session tokens of older apps;
- ``?code=``: OAuth authorisation codes on the social login callbacks;
- ``?key=`` / ``?api_key=`` / ``?signature=`` and S3-style signatures: no view reads them,
  but clients that paste credentials into a URL should not get them written down either;
- ``/accounts/password/reset/key/<uid>-<key>/``: a password reset link, which changes the
  password of whoever holds it;
- ``/accounts/confirm-email/<key>/``: an email confirmation link;
- ``/notifications/unsubscribe/<token>/``: switches someone's mail off without signing in.

The formatters redact the finished line (message, traceback and extra fields alike), so no
record attribute is changed for other handlers. Signed file and lesson media links are not
redacted: they are bound to the viewer and every request checks access again.
"""

import logging
import re

from pythonjsonlogger.json import JsonFormatter

REDACTED = "[redacted]"
# Values end where a URL ends in a log line; a backslash is JSON's escape of a quote.
_VALUE = r"[^&#\s\"'<>\\]*"
_SEGMENT = r"[^/?#\s\"'<>\\]+"
_QUERY_SECRET = re.compile(
    r"([?&](?:token|session_token|code|key|api_key|signature|x-amz-signature"
    rf"|x-amz-security-token|x-amz-credential)=){_VALUE}",
    re.IGNORECASE,
)
# After the first visit allauth moves the key into the session and redirects to
# <uid>-set-password/, which is kept readable.
_PATH_SECRET = re.compile(
    rf"(/password/reset/key/)(?![0-9A-Za-z]+-set-password/){_SEGMENT}"
    rf"|(/confirm-email/){_SEGMENT}"
    rf"|(/unsubscribe/){_SEGMENT}"
)


def _path_sub(match: re.Match[str]) -> str:
    prefix = next(group for group in match.groups() if group is not None)
    return prefix + REDACTED


def redact_url_secrets(text: str) -> str:
    text = _QUERY_SECRET.sub(rf"\g<1>{REDACTED}", text)
    return _PATH_SECRET.sub(_path_sub, text)


class RedactingFormatter(logging.Formatter):
    """The text log format, with URL secrets redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_url_secrets(super().format(record))


class RedactingJsonFormatter(JsonFormatter):
    """JSON log lines, with URL secrets redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_url_secrets(super().format(record))
