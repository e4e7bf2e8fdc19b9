"""What the delivery pipeline (notify -> Delivery -> task) expects of a channel's sender.

A sender takes a Delivery (status queued, its notification loaded) and sends it now; it
returns the provider's message id, raises kalpla.integrations.base.TransientIntegrationError to
be retried with backoff, or SkipDelivery to record why nothing was sent (suppressed address,
no verified phone, no device). The caller records statuses; senders stay idempotent by
checking ``delivery.provider_message_id`` first. The senders of each channel are named in
``notifications.services.delivery.CHANNEL_SENDERS``; the digest's in
``notifications.services.digest``.
"""

from collections.abc import Callable, Sequence
from typing import Any

from notifications.models import Delivery, Notification


class SkipDelivery(Exception):
    def __init__(self, reason: str, *, status: str = Delivery.Status.SKIPPED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


ChannelSender = Callable[[Delivery], str]
# Sends one digest email to ``user`` listing ``notifications``; returns the message id.
DigestSender = Callable[[Any, Sequence[Notification]], str]
