"""Notification kinds of subscriptions (templates under templates/notifications/<name>/).

All are transactional, like the other payment notices: what a subscriber is charged and when
(a renewal reminder is the pre-debit notice card mandates need) cannot be muted."""

from notifications.kinds import Kind, register_kind

# A plan started (its trial, or its first paid period), or came back after it lapsed.
register_kind(Kind(name="commerce.subscription_started", category="payments", transactional=True))
# The paid period (or trial) ends in a few days.
register_kind(
    Kind(name="commerce.subscription_renewal_reminder", category="payments", transactional=True)
)
# A renewal payment failed, or a manual plan's paid time ran out: access lasts the grace days.
register_kind(
    Kind(
        name="commerce.subscription_payment_failed",
        category="payments",
        urgent=True,
        transactional=True,
    )
)
# The subscriber cancelled: the plan ends with its paid period.
register_kind(Kind(name="commerce.subscription_cancelled", category="payments", transactional=True))
# The plan ended (cancelled or expired): its courses are closed, progress kept.
register_kind(Kind(name="commerce.subscription_ended", category="payments", transactional=True))
