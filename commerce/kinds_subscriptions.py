"""Notification kinds of subscriptions (templates under templates/notifications/<name>/)."""

from notifications.kinds import Kind, register_kind

# A plan started (its trial, or its first paid period), or came back after it lapsed.
register_kind(Kind(name="commerce.subscription_started", category="payments"))
# The paid period (or trial) ends in a few days.
register_kind(Kind(name="commerce.subscription_renewal_reminder", category="payments"))
# A renewal payment failed, or a manual plan's paid time ran out: access lasts the grace days.
register_kind(Kind(name="commerce.subscription_payment_failed", category="payments", urgent=True))
# The subscriber cancelled: the plan ends with its paid period.
register_kind(Kind(name="commerce.subscription_cancelled", category="payments"))
# The plan ended (cancelled or expired): its courses are closed, progress kept.
register_kind(Kind(name="commerce.subscription_ended", category="payments"))
