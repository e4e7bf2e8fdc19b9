"""The commerce app's notification kinds (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, register_kind

# A payment went through: told to the buyer with the course it opened.
register_kind(Kind(name="commerce.order_paid", category="payments", transactional=True))
