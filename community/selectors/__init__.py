"""Reads of the community app: querysets with the joins their callers need, by subdomain."""

from community.selectors.moderation import (
    QUEUE_STATUSES,
    audit_log,
    moderation_item_get,
    moderation_message_context,
    moderation_pending_total,
    moderation_queue,
    moderation_queue_rows,
)

__all__ = [
    "QUEUE_STATUSES",
    "audit_log",
    "moderation_item_get",
    "moderation_message_context",
    "moderation_pending_total",
    "moderation_queue",
    "moderation_queue_rows",
]
