"""Reading a quiz page's answers from a plain HTML form (the site works without JavaScript).

Field names per question at position ``n``: ``q<n>`` (choice, true/false, text, numbers;
several values for multiple choice), ``q<n>-<prompt id>`` for matching and
``q<n>-<item id>`` (the item's place, 1..N) for ordering. A question whose fields are absent
is left as it was; an empty text clears it.
"""

from typing import Any

from django.http import QueryDict

from kalpla.exceptions import ValidationError

from .engine.kinds import QuestionKind


def _ordering(form: QueryDict, name: str, item_ids: list[str]) -> list[str] | None:
    places: dict[str, int] = {}
    for item_id in item_ids:
        raw = form.get(f"{name}-{item_id}", "")
        if not raw:
            return None
        if not raw.isdigit():
            raise ValidationError(
                "Give each item a place.", errors={name: ["Give each item a place."]}
            )
        places[item_id] = int(raw)
    if sorted(places.values()) != list(range(1, len(item_ids) + 1)):
        raise ValidationError(
            "Give each item a different place.", errors={name: ["Each place once, from 1."]}
        )
    return sorted(item_ids, key=places.__getitem__)


def answers_from_form(form: QueryDict, questions: list[dict[str, Any]]) -> dict[int, Any]:
    """Responses by position for the questions shown (``attempt_view``'s question dicts)."""
    out: dict[int, Any] = {}
    for q in questions:
        name = f"q{q['position']}"
        kind = q["kind"]
        if kind == QuestionKind.MULTIPLE_CHOICE:
            if f"{name}-shown" in form:  # checkboxes send nothing when none is ticked
                out[q["position"]] = form.getlist(name)
        elif kind == QuestionKind.TRUE_FALSE:
            if name in form:
                out[q["position"]] = {"true": True, "false": False}.get(form.get(name, ""))
        elif kind == QuestionKind.MATCHING:
            keys = [f"{name}-{p['id']}" for p in q["prompts"]]
            if any(k in form for k in keys):
                out[q["position"]] = {
                    p["id"]: form.get(f"{name}-{p['id']}", "") for p in q["prompts"]
                }
        elif kind == QuestionKind.ORDERING:
            order = _ordering(form, name, [i["id"] for i in q["items"]])
            if order is not None:
                out[q["position"]] = order
        elif name in form:
            value = form.get(name, "")
            out[q["position"]] = value if value.strip() else None
    return out
