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
from analytics.models.experiments import (
    Assignment,
    Experiment,
    ExperimentStatus,
    ResultsView,
    Variant,
)

__all__ = [
    "CAMPAIGN_CHANNELS",
    "Assignment",
    "Campaign",
    "CampaignInteraction",
    "CampaignRecipient",
    "Event",
    "Experiment",
    "ExperimentStatus",
    "Nudge",
    "ResultsView",
    "Segment",
    "Variant",
]
