"""Notification kinds of campaigns and nudges (templates under templates/notifications/<name>/).

Campaigns are marketing: never transactional or urgent, so each person's switches for the
"Offers and campaigns" category, quiet hours, digests and email suppression all apply. SMS is
off unless the person switched it on (opt-in).
"""

from notifications.kinds import Kind, channel_defaults, register_kind

CAMPAIGN_KIND = "analytics.campaign"
NUDGE_KIND = "analytics.at_risk_nudge"

register_kind(Kind(name=CAMPAIGN_KIND, category="marketing", defaults=channel_defaults()))
# A course's mentor (or staff) reminds a learner who fell behind: in the app and by email.
register_kind(
    Kind(name=NUDGE_KIND, category="learning", defaults=channel_defaults(email=True, push=True))
)
