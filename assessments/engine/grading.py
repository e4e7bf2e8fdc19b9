"""Grading one response to one question: pure functions of (kind, stored data, response).

``response_clean`` checks a response's shape (an unknown option id is a 400, not a wrong
answer) and returns it normalised, or ``None`` for "not answered". ``grade`` returns an
``Outcome``: the fraction of the question's points earned (``None`` when a person grades it), a
state and the feedback the author wrote for what the student chose. Fractions are ``Decimal``
rounded to 7 places, as Moodle stores them; points are the caller's business.
"""

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError

from .data import ONE, ZERO
from .kinds import QuestionKind, Scoring, UnitHandling

PLACES = Decimal("0.0000001")
RESPONSE_TEXT_MAX = 20000


class State:
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    NEEDS_GRADING = "needs_grading"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class Outcome:
    state: str
    fraction: Decimal | None
    feedback: tuple[str, ...] = field(default=())


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _outcome(fraction: Decimal, feedback: list[str] | tuple[str, ...] = ()) -> Outcome:
    fraction = _rounded(fraction)
    if fraction >= ONE:
        state = State.CORRECT
    elif fraction > ZERO:
        state = State.PARTIAL
    else:
        state = State.INCORRECT
    return Outcome(state=state, fraction=fraction, feedback=tuple(f for f in feedback if f))


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, errors={"response": [message]})


# --- response shapes -------------------------------------------------------------------------


def _text_response(data: dict, raw: Any) -> str | None:
    if not isinstance(raw, str):
        raise _invalid(_("Send the answer as text."))
    if len(raw) > RESPONSE_TEXT_MAX:
        raise _invalid(_("The answer is too long."))
    return raw if raw.strip() else None


def _single_response(data: dict, raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or raw not in {o["id"] for o in data["options"]}:
        raise _invalid(_("Choose one of the options."))
    return raw


def _multiple_response(data: dict, raw: Any) -> list[str] | None:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise _invalid(_("Send the chosen options as a list."))
    ids = {o["id"] for o in data["options"]}
    if not set(raw) <= ids or len(set(raw)) != len(raw):
        raise _invalid(_("Choose among the options, each at most once."))
    return sorted(raw) or None


def _true_false_response(data: dict, raw: Any) -> bool | None:
    if raw is None:
        return None
    if not isinstance(raw, bool):
        raise _invalid(_("Answer true or false."))
    return raw


def _matching_response(data: dict, raw: Any) -> dict[str, str] | None:
    if not isinstance(raw, dict):
        raise _invalid(_("Send an answer for each prompt."))
    prompts = {p["id"] for p in data["pairs"]}
    choices = set(matching_choices(data))
    answer = {}
    for key, value in raw.items():
        if key not in prompts:
            raise _invalid(_("Unknown prompt."))
        if value in (None, ""):
            continue
        if value not in choices:
            raise _invalid(_("Choose one of the listed answers."))
        answer[key] = value
    return answer or None


def _ordering_response(data: dict, raw: Any) -> list[str] | None:
    if raw in (None, []):
        return None
    ids = [i["id"] for i in data["items"]]
    if not isinstance(raw, list) or sorted(map(str, raw)) != sorted(ids):
        raise _invalid(_("Send every item once, in your order."))
    return list(raw)


RESPONSES: dict[str, Callable[[dict, Any], Any]] = {
    QuestionKind.SINGLE_CHOICE: _single_response,
    QuestionKind.MULTIPLE_CHOICE: _multiple_response,
    QuestionKind.TRUE_FALSE: _true_false_response,
    QuestionKind.SHORT_ANSWER: _text_response,
    QuestionKind.NUMERIC: _text_response,
    QuestionKind.MATCHING: _matching_response,
    QuestionKind.ORDERING: _ordering_response,
    QuestionKind.ESSAY: _text_response,
}


def response_clean(*, kind: str, data: dict, response: Any) -> Any:
    """The response in its stored form, ``None`` when nothing was answered."""
    if response is None and kind != QuestionKind.TRUE_FALSE:
        return None
    return RESPONSES[kind](data, response)


# --- grading ---------------------------------------------------------------------------------


def _choice_fraction(data: dict, total: Decimal) -> Decimal:
    low = -ONE if data.get("negative_marking") else ZERO
    return min(ONE, max(low, total))


def _grade_single(data: dict, response: str) -> Outcome:
    option = next(o for o in data["options"] if o["id"] == response)
    return _outcome(_choice_fraction(data, Decimal(option["fraction"])), [option["feedback"]])


def _grade_multiple(data: dict, response: list[str]) -> Outcome:
    chosen = [o for o in data["options"] if o["id"] in response]
    feedback = [o["feedback"] for o in chosen]
    if data["scoring"] == Scoring.ALL_OR_NOTHING:
        right = {o["id"] for o in data["options"] if Decimal(o["fraction"]) > 0}
        return _outcome(ONE if set(response) == right else ZERO, feedback)
    total = sum((Decimal(o["fraction"]) for o in chosen), ZERO)
    return _outcome(_choice_fraction(data, total), feedback)


def _grade_true_false(data: dict, response: bool) -> Outcome:
    feedback = data["feedback_true"] if response else data["feedback_false"]
    return _outcome(ONE if response == data["answer"] else ZERO, [feedback])


def _normalise(text: str, data: dict) -> str:
    if data.get("normalize_whitespace", True):
        text = " ".join(text.split())
    return text if data.get("case_sensitive") else text.casefold()


def short_answer_pattern(answer: str, data: dict) -> re.Pattern[str]:
    """``*`` matches any text (``\\*`` is a literal star); the rest matches as written."""
    parts = re.split(r"(\\\*|\*)", _normalise(answer, data))
    body = "".join(".*" if p == "*" else re.escape("*" if p == "\\*" else p) for p in parts)
    return re.compile(body, re.DOTALL)


def _best(answers: list[dict], matches: Callable[[dict], bool]) -> dict | None:
    """The accepted answer worth most among those the response matches."""
    found = [a for a in answers if matches(a)]
    return max(found, key=lambda a: Decimal(a["fraction"])) if found else None


def _grade_short(data: dict, response: str) -> Outcome:
    given = _normalise(response, data)
    best = _best(
        data["answers"], lambda a: bool(short_answer_pattern(a["text"], data).fullmatch(given))
    )
    if best is None:
        return _outcome(ZERO)
    return _outcome(Decimal(best["fraction"]), [best["feedback"]])


_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def numeric_parse(text: str, data: dict) -> tuple[Decimal, Decimal] | None:
    """(value in the base unit, penalty) for a typed answer, or None when it is no number."""
    match = _NUMBER.match(text)
    if not match:
        return None
    try:
        value = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:
        return None
    unit = match.group(2)
    handling = data.get("unit_handling", UnitHandling.NONE)
    penalty = Decimal(data.get("unit_penalty", "0"))
    if handling == UnitHandling.NONE:
        return (value, ZERO) if not unit else None
    units = {u["unit"]: Decimal(u["multiplier"]) for u in data["units"]}
    if not unit:
        return value, penalty if handling == UnitHandling.REQUIRED else ZERO
    if unit not in units:
        return value, penalty
    return value / units[unit], ZERO


def _grade_numeric(data: dict, response: str) -> Outcome:
    parsed = numeric_parse(response, data)
    if parsed is None:
        return _outcome(ZERO, [_("That is not a number.")])
    value, penalty = parsed
    best = _best(
        data["answers"], lambda a: abs(value - Decimal(a["value"])) <= Decimal(a["tolerance"])
    )
    if best is None:
        return _outcome(ZERO)
    return _outcome(max(ZERO, Decimal(best["fraction"]) - penalty), [best["feedback"]])


def matching_choices(data: dict) -> list[str]:
    """Every answer a prompt can be matched with (right ones and distractors), once each."""
    return sorted({p["answer"] for p in data["pairs"]} | set(data.get("distractors", [])))


def _grade_matching(data: dict, response: dict[str, str]) -> Outcome:
    right = sum(1 for p in data["pairs"] if response.get(p["id"]) == p["answer"])
    total = len(data["pairs"])
    if data["scoring"] == Scoring.ALL_OR_NOTHING:
        return _outcome(ONE if right == total else ZERO)
    return _outcome(Decimal(right) / Decimal(total))


def _longest_ordered_run(positions: list[int]) -> int:
    """Length of the longest increasing subsequence (items kept in the right relative order)."""
    tails: list[int] = []
    for p in positions:
        i = bisect_left(tails, p)
        if i == len(tails):
            tails.append(p)
        else:
            tails[i] = p
    return len(tails)


def _grade_ordering(data: dict, response: list[str]) -> Outcome:
    order = {item["id"]: n for n, item in enumerate(data["items"])}
    positions = [order[i] for i in response]
    total = len(positions)
    if data["scoring"] == Scoring.ALL_OR_NOTHING:
        return _outcome(ONE if positions == sorted(positions) else ZERO)
    # One item out of place costs one item, not every item after it (Moodle's "longest
    # ordered subset").
    return _outcome(Decimal(_longest_ordered_run(positions)) / Decimal(total))


def _grade_essay(data: dict, response: str) -> Outcome:
    return Outcome(state=State.NEEDS_GRADING, fraction=None)


GRADERS: dict[str, Callable[[dict, Any], Outcome]] = {
    QuestionKind.SINGLE_CHOICE: _grade_single,
    QuestionKind.MULTIPLE_CHOICE: _grade_multiple,
    QuestionKind.TRUE_FALSE: _grade_true_false,
    QuestionKind.SHORT_ANSWER: _grade_short,
    QuestionKind.NUMERIC: _grade_numeric,
    QuestionKind.MATCHING: _grade_matching,
    QuestionKind.ORDERING: _grade_ordering,
    QuestionKind.ESSAY: _grade_essay,
}


def grade(*, kind: str, data: dict, response: Any) -> Outcome:
    """The outcome of a cleaned ``response`` (``None``: unanswered, worth nothing)."""
    if response is None:
        return Outcome(state=State.UNANSWERED, fraction=ZERO)
    return GRADERS[kind](data, response)


def penalised(fraction: Decimal, *, wrong_tries: int, penalty: Decimal) -> Decimal:
    """Immediate feedback: each wrong try before the right one costs ``penalty`` of the mark."""
    if fraction <= ZERO:
        return fraction
    return _rounded(max(ZERO, fraction - penalty * wrong_tries))
