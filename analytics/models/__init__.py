"""Models of the analytics app: one module per area, all importable from here."""

from analytics.models.campaigns import (
    CAMPAIGN_CHANNELS,
    Campaign,
    CampaignInteraction,
    CampaignRecipient,
    Nudge,
    Segment,
)
from analytics.models.events import Event

__all__ = [
    "CAMPAIGN_CHANNELS",
    "Campaign",
    "CampaignInteraction",
    "CampaignRecipient",
    "Event",
    "Nudge",
    "Segment",
]
