"""Notification kinds of receipts and refunds (templates under templates/notifications/<name>/).

Both are transactional: a receipt or a refund notice cannot be muted."""

from notifications.kinds import Kind, channel_defaults, register_kind

# A payment succeeded: its invoice, with a link to the receipt page and the PDF.
register_kind(
    Kind(
        name="commerce.receipt",
        category="payments",
        defaults=channel_defaults(email=True, push=True),
        transactional=True,
    )
)

# Money went back (staff refunded, or the gateway did): its credit note, and whether the
# course was taken back.
register_kind(
    Kind(
        name="commerce.refund",
        category="payments",
        defaults=channel_defaults(email=True, push=True),
        transactional=True,
    )
)
