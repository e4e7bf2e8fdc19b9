"""Registry connecting the delivery pipeline (notify -> Delivery -> task) to channel senders.

A sender takes a Delivery (status queued, its notification loaded) and sends it now; it
returns the provider's message id, raises kalpla.integrations.base.TransientIntegrationError to
be retried with backoff, or SkipDelivery to record why nothing was sent (suppressed address,
no verified phone, no device). The caller records statuses; senders stay idempotent by
checking ``delivery.provider_message_id`` first.
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
DigestSender = Callable[[Any, Sequence[Notification]], str]

CHANNEL_SENDERS: dict[str, ChannelSender] = {}
DIGEST_SENDERS: list[DigestSender] = []


def channel_sender(channel: str) -> Callable[[ChannelSender], ChannelSender]:
    def register(func: ChannelSender) -> ChannelSender:
        CHANNEL_SENDERS[channel] = func
        return func

    return register


def digest_sender(func: DigestSender) -> DigestSender:
    """Sends one digest email to ``user`` listing ``notifications``; returns the message id."""
    DIGEST_SENDERS[:] = [func]
    return func
