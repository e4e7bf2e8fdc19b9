"""Mobile push: device registration (APNs/FCM token -> SNS endpoint) and the push channel.

One Delivery per notification fans out to every enabled device of the user. A device whose
endpoint SNS reports disabled (app uninstalled, token expired) is marked disabled at once and
deleted by the daily ``notifications.clean_devices`` task unless the app registers it again.
"""

import logging
from datetime import timedelta
from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import Http404, HttpRequest
from django.utils import timezone

from kalpla.integrations.base import IntegrationError, TransientIntegrationError
from kalpla.integrations.sns import EndpointDisabled, get_messenger
from notifications.models import Delivery, Device
from notifications.services.channels import SkipDelivery
from notifications.services.email import (
    kind_template_render,
    notification_context,
    one_line,
    recipient_locale,
)

logger = logging.getLogger(__name__)

DEVICE_TOKEN_HEADER = "X-Device-Token"
DISABLED_DEVICE_GRACE = timedelta(days=1)
PUSH_BODY_MAX_CHARS = 240
_SENT_KEY = "notifications:push-sent:{delivery}:{device}"
_SENT_TTL = 7 * 24 * 3600
PROVIDER_ID_MAX = 255


# --- selectors -----------------------------------------------------------------------------


def device_list(*, user: Any) -> QuerySet[Device]:
    return Device.objects.filter(user=user).order_by("-last_seen_at", "-id")


def device_get(*, user: Any, device_id: int) -> Device:
    """Another user's device is a 404: its existence is not theirs to know."""
    device = Device.objects.filter(pk=device_id, user=user).first()
    if device is None:
        raise Http404
    return device


# --- registration --------------------------------------------------------------------------


def device_register(*, user: Any, platform: str, token: str) -> tuple[Device, bool]:
    """Register the app's push token for ``user``; returns (device, created).

    Idempotent per token: registering again refreshes the endpoint (SNS re-enables it) and
    ``last_seen_at``. A token registered by another user (signed out, someone else signed in
    on the same phone) moves to ``user``.
    """
    endpoint = get_messenger().register_device(
        platform=platform,  # type: ignore[arg-type]  # validated by the messenger
        token=token,
        user_data=f"user:{user.pk}",
    )
    for _attempt in range(2):
        try:
            with transaction.atomic():
                device = (
                    Device.objects.select_for_update()
                    .filter(platform=platform, token=token)
                    .first()
                )
                created = device is None
                if device is None:
                    device = Device(platform=platform, token=token)
                device.user = user
                device.endpoint_id = endpoint.endpoint_id
                device.enabled = True
                device.full_clean(validate_unique=False)
                device.save()
                return device, created
        except IntegrityError:
            continue  # the same token registered concurrently: update that row instead
    raise IntegrationError("Could not register the device; please try again.")


def device_unregister(*, device: Device) -> None:
    """Delete the registration and its SNS endpoint (best effort: an endpoint left behind
    receives nothing, we only push to registered devices)."""
    try:
        get_messenger().unregister_device(device.endpoint_id)
    except IntegrationError as exc:
        logger.warning("could not delete push endpoint %s: %s", device.endpoint_id, exc)
    device.delete()


def device_disable(*, endpoint_id: str) -> int:
    """Mark the devices using ``endpoint_id`` disabled; returns how many."""
    return Device.objects.filter(endpoint_id=endpoint_id, enabled=True).update(
        enabled=False, last_seen_at=timezone.now()
    )


def devices_clean() -> dict[str, int]:
    """Daily: disable devices whose SNS endpoint is disabled or gone, and delete devices
    disabled for longer than DISABLED_DEVICE_GRACE (the app had a day to register again)."""
    messenger = get_messenger()
    disabled = 0
    for device in Device.objects.filter(enabled=True).only("id", "endpoint_id").iterator():
        try:
            enabled = messenger.endpoint_enabled(device.endpoint_id)
        except IntegrationError as exc:
            logger.warning("could not check push endpoint %s: %s", device.endpoint_id, exc)
            continue
        if not enabled:
            disabled += device_disable(endpoint_id=device.endpoint_id)
    cutoff = timezone.now() - DISABLED_DEVICE_GRACE
    deleted = 0
    for device in Device.objects.filter(enabled=False, last_seen_at__lt=cutoff):
        device_unregister(device=device)
        deleted += 1
    return {"disabled": disabled, "deleted": deleted}


@receiver(user_logged_out, dispatch_uid="notifications.push.unregister_on_logout")
def _unregister_on_logout(
    sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    """The app sends its push token in X-Device-Token when it signs out (DELETE
    /_allauth/app/v1/auth/session): that phone must stop receiving this user's pushes."""
    if request is None or user is None or not getattr(user, "pk", None):
        return
    token = (request.headers.get(DEVICE_TOKEN_HEADER) or "").strip()
    if not token:
        return
    for device in Device.objects.filter(user=user, token=token):
        device_unregister(device=device)


# --- the push channel ----------------------------------------------------------------------


def _push_texts(delivery: Delivery) -> tuple[str, str, dict[str, Any]]:
    notification = delivery.notification
    assert notification is not None
    user = delivery.user
    with recipient_locale(user):
        context = notification_context(notification, user)
        title = kind_template_render(notification.kind, "push_title.txt", context)
        body = kind_template_render(notification.kind, "push_body.txt", context)
    title = one_line(title or notification.title, limit=120)
    body = " ".join((body if body is not None else notification.body).split())
    if len(body) > PUSH_BODY_MAX_CHARS:
        body = body[: PUSH_BODY_MAX_CHARS - 1] + "…"
    data = {
        "notification_id": notification.pk,
        "kind": notification.kind,
        "url": notification.url,
    }
    return title, body, data


def _join_ids(ids: list[str]) -> str:
    joined = ""
    for message_id in ids:
        candidate = f"{joined},{message_id}" if joined else message_id
        if len(candidate) > PROVIDER_ID_MAX:
            break
        joined = candidate
    return joined


def push_deliver(delivery: Delivery) -> str:
    """Push one notification to each enabled device; returns the message ids, comma-joined.

    A retry (after a transient error on one device) does not push again to the devices that
    already got it: each device's message id is remembered per delivery.
    """
    if delivery.provider_message_id:
        return delivery.provider_message_id
    if delivery.notification is None:
        raise SkipDelivery("The delivery has no notification.")
    devices = list(device_list(user=delivery.user).filter(enabled=True))
    if not devices:
        raise SkipDelivery("The user has no enabled device.")
    title, body, data = _push_texts(delivery)
    messenger = get_messenger()
    ids: list[str] = []
    transient: TransientIntegrationError | None = None
    failure: IntegrationError | None = None
    for device in devices:
        key = _SENT_KEY.format(delivery=delivery.pk, device=device.pk)
        if sent := cache.get(key):
            ids.append(str(sent))
            continue
        try:
            result = messenger.push(
                endpoint_id=device.endpoint_id, title=title, body=body, data=data
            )
        except EndpointDisabled:
            device_disable(endpoint_id=device.endpoint_id)
            continue
        except TransientIntegrationError as exc:
            transient = transient or exc
            continue
        except IntegrationError as exc:
            logger.warning("push to device %s failed: %s", device.pk, exc)
            failure = failure or exc
            continue
        if delivery.pk:
            cache.set(key, result.message_id, timeout=_SENT_TTL)
        ids.append(result.message_id)
    if transient is not None:
        raise transient  # retried later; devices already reached are skipped then
    if not ids:
        if failure is not None:
            raise failure
        raise SkipDelivery("Every device of the user is disabled.")
    # Saved by the caller with the status.
    delivery.destination = ",".join(f"device:{d.pk}" for d in devices)[:512]
    return _join_ids(ids)
