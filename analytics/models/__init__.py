"""Models of the analytics app: one module per area, all importable from here."""

from analytics.models.events import Event
from analytics.models.experiments import (
    Assignment,
    Experiment,
    ExperimentStatus,
    ResultsView,
    Variant,
)

__all__ = ["Assignment", "Event", "Experiment", "ExperimentStatus", "ResultsView", "Variant"]
