"""Demo notes, action items, goals and milestones (progress area)."""

from typing import Any


def seed_mentoring_progress(*, mentors: list[Any], student: Any) -> None:
    """Past session notes and a goal with milestones (the progress area)."""
