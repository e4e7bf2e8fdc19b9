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
from analytics.models.rollups import (
    CourseCompletion,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    PersonDay,
    RevenueDay,
    SiteDay,
)

__all__ = [
    "CAMPAIGN_CHANNELS",
    "Assignment",
    "Campaign",
    "CampaignInteraction",
    "CampaignRecipient",
    "CourseCompletion",
    "CourseDay",
    "CourseLearnerDay",
    "CourseLessonDay",
    "Event",
    "Experiment",
    "ExperimentStatus",
    "Nudge",
    "PersonDay",
    "ResultsView",
    "RevenueDay",
    "Segment",
    "SiteDay",
    "Variant",
]
