"""Notification services. Importing the package registers channel senders and hooks."""

from notifications.services import (  # noqa: F401
    channels,
    delivery,
    digest,
    email,
    inapp,
    notify,
    phone,
    preferences,
    push,
    sms,
    suppression,
)
