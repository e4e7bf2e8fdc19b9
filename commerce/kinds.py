"""The commerce app's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, channel_defaults, register_kind

# A payment went through: told to the buyer with the course it opened (in the app and by
# email, like a receipt; it cannot be muted).
register_kind(
    Kind(
        name="commerce.order_paid",
        category="payments",
        transactional=True,
        defaults=channel_defaults(push=False),
    )
)
