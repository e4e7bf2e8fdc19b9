"""The SMS channel: a notification's ``sms.txt`` to the user's verified phone number."""

from kalpla.integrations.sns import get_messenger
from notifications.models import Delivery
from notifications.services.channels import SkipDelivery
from notifications.services.email import (
    kind_template_render,
    notification_context,
    one_line,
    recipient_locale,
)
from notifications.services.phone import phone_verified_get

# SNS takes up to 1600 bytes; long texts cost several parts (70 characters each in Devanagari).
SMS_MAX_CHARS = 480


def sms_text(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"


def sms_deliver(delivery: Delivery) -> str:
    """Send one notification by SMS; only to a verified number."""
    if delivery.provider_message_id:
        return delivery.provider_message_id
    notification = delivery.notification
    if notification is None:
        raise SkipDelivery("The delivery has no notification.")
    user = delivery.user
    phone = phone_verified_get(user=user)
    if phone is None:
        raise SkipDelivery("The user has no verified phone number.")
    with recipient_locale(user):
        context = notification_context(notification, user)
        text = kind_template_render(notification.kind, "sms.txt", context)
        text = sms_text(text or one_line(notification.title))
    # Transactional: the person asked for these texts, and promotional SMS is dropped for
    # numbers on India's do-not-disturb registry.
    result = get_messenger().send_sms(phone=phone.number, text=text, transactional=True)
    delivery.destination = phone.number  # saved by the caller with the status
    return result.message_id
