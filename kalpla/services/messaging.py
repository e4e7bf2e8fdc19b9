"""Messaging services: email, SMS and push sent by background jobs; meetings and live video.

Sends are jobs (kalpla.jobs) keyed by the caller's ``key``: asking twice for the same logical
message returns the same job, and a job that already holds a provider message id never sends
again (retries, redelivered Celery messages, the admin's "run again").
"""

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from kalpla import email_events  # noqa: F401 - connects the SES event receiver at startup
from kalpla.integrations import chime, ivs, ses, sns
from kalpla.jobs import job_enqueue, job_handler
from kalpla.models import ProcessingJob

MAX_KEY_LENGTH = 255


def _job_key(kind: str, key: str) -> str:
    if not key:
        raise ValueError("A send needs a dedupe key (e.g. 'notification:42:sms').")
    full = f"{kind}:{key}"
    if len(full) <= MAX_KEY_LENGTH:
        return full
    return f"{kind}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


# --- enqueue -------------------------------------------------------------------------------


def sms_send_later(
    *,
    phone: str,
    text: str,
    key: str,
    transactional: bool = True,
    target: models.Model | None = None,
) -> ProcessingJob:
    """Queue an SMS (sent on commit). ``key`` names the logical message: the same key is
    sent at most once, whatever the other arguments say the second time."""
    sns.validate_phone(phone)
    return job_enqueue(
        kind="sms.send",
        target=target,
        params={"phone": phone, "text": text, "transactional": transactional},
        key=_job_key("sms.send", key),
    )


def push_send_later(
    *,
    endpoint_id: str,
    title: str,
    body: str,
    key: str,
    data: dict[str, Any] | None = None,
    target: models.Model | None = None,
) -> ProcessingJob:
    """Queue a push to one device endpoint. A disabled endpoint fails the job and calls the
    handlers registered with ``@push_endpoint_disabled_handler``."""
    return job_enqueue(
        kind="push.send",
        target=target,
        params={"endpoint_id": endpoint_id, "title": title, "body": body, "data": data or {}},
        key=_job_key("push.send", key),
    )


def email_send_later(
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    key: str,
    html: str | None = None,
    reply_to: Sequence[str] | None = None,
    headers: dict[str, str] | None = None,
    tags: Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    target: models.Model | None = None,
) -> ProcessingJob:
    """Queue an email (sent on commit). ``headers`` carries e.g. List-Unsubscribe."""
    return job_enqueue(
        kind="email.send",
        target=target,
        params={
            "to": list(to),
            "subject": subject,
            "text": text,
            "html": html,
            "reply_to": list(reply_to or []),
            "headers": dict(headers or {}),
            "tags": list(tags or []),
            "metadata": dict(metadata or {}),
        },
        key=_job_key("email.send", key),
    )


# --- hooks ---------------------------------------------------------------------------------

EndpointDisabledHandler = Callable[[str], None]
_ENDPOINT_DISABLED_HANDLERS: list[EndpointDisabledHandler] = []


def push_endpoint_disabled_handler(func: EndpointDisabledHandler) -> EndpointDisabledHandler:
    """Register ``func(endpoint_id)``: called when a push finds its endpoint disabled or gone,
    so the owner of device registrations can drop it."""
    if func not in _ENDPOINT_DISABLED_HANDLERS:
        _ENDPOINT_DISABLED_HANDLERS.append(func)
    return func


def push_endpoint_disabled_handler_remove(func: EndpointDisabledHandler) -> None:
    if func in _ENDPOINT_DISABLED_HANDLERS:
        _ENDPOINT_DISABLED_HANDLERS.remove(func)


# --- job handlers --------------------------------------------------------------------------


def _already_sent(job: ProcessingJob) -> dict[str, Any] | None:
    return dict(job.result) if job.result.get("message_id") else None


def _record_sent(job: ProcessingJob, result: dict[str, Any]) -> dict[str, Any]:
    """Save the provider's message id at once, before the job is marked done, so a crash in
    between cannot lead to a second send."""
    job.result = {**result, "sent_at": timezone.now().isoformat()}
    job.external_id = str(result["message_id"])[:255]
    job.save(update_fields=["result", "external_id", "updated_at"])
    return job.result


@job_handler("sms.send")
def _sms_send(job: ProcessingJob) -> dict[str, Any]:
    if (sent := _already_sent(job)) is not None:
        return sent
    params = job.params
    result = sns.get_messenger().send_sms(
        phone=params["phone"], text=params["text"], transactional=params.get("transactional", True)
    )
    return _record_sent(
        job, {"message_id": result.message_id, "provider": result.provider, "to": result.to}
    )


@job_handler("push.send")
def _push_send(job: ProcessingJob) -> dict[str, Any]:
    if (sent := _already_sent(job)) is not None:
        return sent
    params = job.params
    try:
        result = sns.get_messenger().push(
            endpoint_id=params["endpoint_id"],
            title=params["title"],
            body=params["body"],
            data=params.get("data") or {},
        )
    except sns.EndpointDisabled as exc:
        for handler in list(_ENDPOINT_DISABLED_HANDLERS):
            handler(exc.endpoint_id)
        raise
    return _record_sent(
        job, {"message_id": result.message_id, "provider": result.provider, "to": result.to}
    )


@job_handler("email.send")
def _email_send(job: ProcessingJob) -> dict[str, Any]:
    if (sent := _already_sent(job)) is not None:
        return sent
    params = job.params
    result = ses.email_send(
        to=params["to"],
        subject=params["subject"],
        text=params["text"],
        html=params.get("html"),
        reply_to=params.get("reply_to") or None,
        headers=params.get("headers") or None,
        tags=params.get("tags") or None,
        metadata=params.get("metadata") or None,
    )
    return _record_sent(
        job,
        {
            "message_id": result.message_id,
            "provider": result.provider,
            "recipients": result.recipients,
        },
    )


# --- meetings and live video (synchronous: quick API calls) --------------------------------


def meeting_create(*, external_id: str, title: str) -> chime.Meeting:
    """Create (or get back, for the same ``external_id``) the meeting for e.g. a session."""
    return chime.get_meeting_provider().create_meeting(external_id=external_id, title=title)


def meeting_join(*, meeting_id: str, user_external_id: str) -> chime.Attendee:
    return chime.get_meeting_provider().create_attendee(
        meeting_id=meeting_id, user_external_id=user_external_id
    )


def meeting_client_config(*, join_info: dict[str, Any], attendee: chime.Attendee) -> dict[str, Any]:
    """What a web or mobile client needs to join: the meeting's join info plus the attendee."""
    return {**join_info, "Attendee": attendee.join_info()}


def meeting_end(*, meeting_id: str) -> None:
    chime.get_meeting_provider().end_meeting(meeting_id)


def live_channel_create(*, name: str) -> ivs.LiveChannel:
    return ivs.get_live_video_provider().create_channel(name=name)


def live_channel_delete(*, channel_id: str) -> None:
    ivs.get_live_video_provider().delete_channel(channel_id)
