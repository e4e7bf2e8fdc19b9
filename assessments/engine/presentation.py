"""What a student may see of a question, and in which order.

``question_public`` is the only way a question's data reaches a student before review: it
keeps texts and opaque ids and drops fractions, accepted answers, tolerances, pairings and the
right order. Orders come from ``stable_shuffle`` seeded by the attempt, so a reload (or another
device) shows the same order. ``right_answer`` is what a review shows once the quiz's review
options allow it.
"""

import hashlib
import random
from collections.abc import Sequence
from typing import Any, TypeVar

from .grading import matching_choices
from .kinds import QuestionKind

T = TypeVar("T")


def stable_shuffle(items: Sequence[T], *, seed: str) -> list[T]:
    """The same order for the same seed, on every machine and Python version."""
    digest = hashlib.sha256(seed.encode()).digest()
    shuffled = list(items)
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(shuffled)  # order only, not secrecy
    return shuffled


def stable_sample(items: Sequence[T], count: int, *, seed: str) -> list[T]:
    """``count`` of ``items`` drawn for one attempt (a random draw from a bank)."""
    return stable_shuffle(items, seed=seed)[:count]


def question_public(*, kind: str, data: dict, seed: str) -> dict[str, Any]:
    """The student's view of ``data``; nothing in it tells what is right."""
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        options = [{"id": o["id"], "text": o["text"]} for o in data["options"]]
        if data.get("shuffle", True):
            options = stable_shuffle(options, seed=f"{seed}:options")
        return {"options": options}
    if kind == QuestionKind.MATCHING:
        prompts = [{"id": p["id"], "text": p["prompt"]} for p in data["pairs"]]
        if data.get("shuffle", True):
            prompts = stable_shuffle(prompts, seed=f"{seed}:prompts")
        return {
            "prompts": prompts,
            "choices": stable_shuffle(matching_choices(data), seed=f"{seed}:choices"),
        }
    if kind == QuestionKind.ORDERING:
        items = [{"id": i["id"], "text": i["text"]} for i in data["items"]]
        shuffled = stable_shuffle(items, seed=f"{seed}:items")
        if shuffled == items and len(items) > 1:  # never start in the right order
            shuffled = shuffled[1:] + shuffled[:1]
        return {"items": shuffled}
    if kind == QuestionKind.NUMERIC:
        return {"units": [u["unit"] for u in data.get("units", [])]}
    if kind == QuestionKind.ESSAY:
        return {
            "min_words": data.get("min_words", 0),
            "max_words": data.get("max_words", 0),
            "response_template": data.get("response_template", ""),
        }
    return {}


def right_answer(*, kind: str, data: dict) -> Any:
    """The right response as a review shows it (None for essays: a person grades them)."""
    if kind == QuestionKind.SINGLE_CHOICE:
        best = max(data["options"], key=lambda o: float(o["fraction"]))
        return best["text"]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return [o["text"] for o in data["options"] if float(o["fraction"]) > 0]
    if kind == QuestionKind.TRUE_FALSE:
        return data["answer"]
    if kind == QuestionKind.SHORT_ANSWER:
        return [a["text"] for a in data["answers"] if float(a["fraction"]) == 1]
    if kind == QuestionKind.NUMERIC:
        best = max(data["answers"], key=lambda a: float(a["fraction"]))
        unit = next((u["unit"] for u in data.get("units", []) if float(u["multiplier"]) == 1), "")
        tolerance = f" ± {best['tolerance']}" if best["tolerance"] != "0" else ""
        return f"{best['value']}{tolerance}{' ' + unit if unit else ''}"
    if kind == QuestionKind.MATCHING:
        return {p["prompt"]: p["answer"] for p in data["pairs"]}
    if kind == QuestionKind.ORDERING:
        return [i["text"] for i in data["items"]]
    return None
