"""Email through Django's mail API: SES via django-anymail, console or file locally.

settings.KALPLA_EMAIL_BACKEND picks EMAIL_BACKEND (console, file, or anymail's Amazon SES v2
backend). Delivery, bounce and complaint events come back through anymail's tracking webhook
(see notifications/email_events.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from anymail.backends.base import AnymailBaseBackend
from anymail.exceptions import AnymailError
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid

from kalpla.integrations import aws
from kalpla.integrations.base import IntegrationError, TransientIntegrationError


class EmailRejected(IntegrationError):
    """SES refused the message for good (unverified sender, blocked content, sandbox)."""


@dataclass(frozen=True)
class EmailSendResult:
    message_id: str
    # address -> status: anymail's "queued"/"sent"/"rejected"/... or "sent" for Django backends
    recipients: dict[str, str] = field(default_factory=dict)
    provider: str = "django"


def email_send(
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    reply_to: Sequence[str] | None = None,
    headers: dict[str, str] | None = None,
    tags: Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> EmailSendResult:
    """Send one message from DEFAULT_FROM_EMAIL to ``to``.

    Raises EmailRejected when SES refuses it, TransientIntegrationError for throttling and
    outages (retry later). ``tags`` and ``metadata`` reach SES (and come back on tracking
    events) when the backend is anymail; other backends ignore them.
    """
    if not to:
        raise IntegrationError("An email needs at least one recipient.")
    connection = get_connection()
    is_anymail = isinstance(connection, AnymailBaseBackend)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to or []),
        headers=dict(headers or {}),
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    local_id = ""
    if is_anymail:
        message.tags = list(tags or [])  # type: ignore[attr-defined]
        message.metadata = dict(metadata or {})  # type: ignore[attr-defined]
    else:
        # Console/file/locmem: our own Message-ID, visible in the written message.
        local_id = message.extra_headers.setdefault("Message-ID", make_msgid(domain=_from_domain()))
    _send(message)
    if is_anymail:
        status = message.anymail_status  # type: ignore[attr-defined]
        recipients = {email: str(rs.status) for email, rs in status.recipients.items()}
        return EmailSendResult(
            message_id=str(status.message_id or ""),
            recipients=recipients,
            provider=str(getattr(connection, "esp_name", "anymail")),
        )
    return EmailSendResult(
        message_id=local_id,
        recipients=dict.fromkeys(message.recipients(), "sent"),
        provider=type(connection).__module__.rsplit(".", 1)[-1],  # console, filebased...
    )


def _send(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
        return
    except AnymailError as exc:
        failure = exc
    except OSError as exc:  # the file backend's disk, a mail server's socket
        raise TransientIntegrationError(f"Email send failed: {exc}") from exc
    cause = failure.__cause__
    if (
        isinstance(cause, ClientError)
        and cause.response.get("Error", {}).get("Code") == "MessageRejected"
    ):
        raise EmailRejected(f"SES rejected the message: {cause}") from failure
    if isinstance(cause, ClientError | BotoCoreError):
        # anymail wraps botocore's error; aws_errors decides transient or permanent.
        with aws.aws_errors("SES send"):
            raise cause
    raise IntegrationError(f"Email send failed: {failure}") from failure


def _from_domain() -> str:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return address.rpartition("@")[2] or "kalpla.local"
