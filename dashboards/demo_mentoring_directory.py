"""Demo mentors: the demo mentor and two more in other time zones (directory area)."""

from typing import Any


def seed_mentors(
    *, courses: dict[str, Any], mentor: Any, student: Any, learners: list[Any]
) -> list[Any]:
    """The mentor profiles of the demo (the directory area fills this in)."""
    return []
