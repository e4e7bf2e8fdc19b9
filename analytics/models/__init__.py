"""Models of the analytics app: one module per area, all importable from here."""

from analytics.models.events import Event

__all__ = ["Event"]
