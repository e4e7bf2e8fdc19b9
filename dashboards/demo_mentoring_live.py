"""Demo live classes: one scheduled for a course the demo student takes (live area)."""

from typing import Any


def seed_live_classes(*, courses: dict[str, Any], mentor: Any, student: Any) -> None:
    """A scheduled live class (the live area)."""
