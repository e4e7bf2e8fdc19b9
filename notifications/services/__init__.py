"""Notification services. Importing the package connects their signal receivers."""

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
