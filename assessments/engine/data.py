"""What a question of each kind stores, checked and normalised before it is saved.

A question is ``kind`` + ``data`` (a JSON object whose shape depends on the kind). ``data_clean``
turns what an editor, the API or an import sent into the stored form, or raises
``ValidationError`` naming every field that is wrong (``options.2.fraction``). The stored form
gives options, pairs and items opaque random ids, so ids shown to students reveal nothing about
which option is right or which order is correct.

Stored shapes (fractions, values and tolerances are decimal strings)::

    single_choice    {"options": [{"id", "text", "fraction", "feedback"}], "shuffle",
                      "negative_marking"}
    multiple_choice  {"options": [...], "scoring": "partial" | "all_or_nothing", "shuffle",
                      "negative_marking"}
    true_false       {"answer": bool, "feedback_true", "feedback_false"}
    short_answer     {"answers": [{"text", "fraction", "feedback"}], "case_sensitive",
                      "normalize_whitespace"}         ("*" in an answer matches any text)
    numeric          {"answers": [{"value", "tolerance", "fraction", "feedback"}],
                      "units": [{"unit", "multiplier"}], "unit_handling", "unit_penalty"}
    matching         {"pairs": [{"id", "prompt", "answer"}], "distractors": [str], "scoring",
                      "shuffle"}
    ordering         {"items": [{"id", "text"}] (in the right order), "scoring"}
    essay            {"min_words", "max_words", "response_template", "grader_info"}
"""

import secrets
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError

from .kinds import QuestionKind, Scoring, UnitHandling

TEXT_MAX = 5000
OPTIONS_MAX = 26
ONE = Decimal(1)
ZERO = Decimal(0)

Errors = dict[str, list[str]]


def new_id() -> str:
    """An opaque id for an option, pair or item: says nothing about order or correctness."""
    return secrets.token_hex(4)


def decimal_text(value: Decimal) -> str:
    """A decimal as stored: no exponent, no trailing zeros ("0.5", "-1", "3.14")."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


class _Reader:
    """Reads fields out of an untrusted dict, collecting every error under its path."""

    def __init__(self, errors: Errors, prefix: str = "") -> None:
        self.errors = errors
        self.prefix = prefix

    def at(self, key: str | int) -> "_Reader":
        return _Reader(self.errors, f"{self.prefix}{key}.")

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(f"{self.prefix}{key}", []).append(message)

    def text(self, src: dict, key: str, *, required: bool = False, default: str = "") -> str:
        value = src.get(key, default)
        if value is None:
            value = default
        if not isinstance(value, str):
            self.fail(key, _("Must be text."))
            return default
        value = value.strip()
        if required and not value:
            self.fail(key, _("This field is required."))
        if len(value) > TEXT_MAX:
            self.fail(key, _("At most %(n)d characters.") % {"n": TEXT_MAX})
        return value

    def flag(self, src: dict, key: str, default: bool) -> bool:
        value = src.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, _("Must be true or false."))
            return default
        return value

    def number(
        self,
        src: dict,
        key: str,
        *,
        default: Decimal | None = None,
        low: Decimal | None = None,
        high: Decimal | None = None,
    ) -> Decimal:
        value = src.get(key)
        if value is None or value == "":
            if default is None:
                self.fail(key, _("This field is required."))
                return ZERO
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, _("Must be a number."))
            return default or ZERO
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(key, _("Must be a number."))
            return default or ZERO
        if not number.is_finite():
            self.fail(key, _("Must be a number."))
            return default or ZERO
        if low is not None and number < low:
            self.fail(key, _("Must be at least %(n)s.") % {"n": low})
        if high is not None and number > high:
            self.fail(key, _("Must be at most %(n)s.") % {"n": high})
        return number

    def whole(self, src: dict, key: str, *, default: int, low: int = 0, high: int = 100000) -> int:
        value = src.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, _("Must be a whole number."))
            return default
        if not low <= value <= high:
            self.fail(key, _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high})
        return value

    def choice(self, src: dict, key: str, choices: type[TextChoices], default: str) -> str:
        value = src.get(key, default)
        if value not in choices.values:
            self.fail(key, _("Must be one of: %(v)s.") % {"v": ", ".join(choices.values)})
            return default
        return str(value)

    def items(self, src: dict, key: str, *, low: int, high: int = OPTIONS_MAX) -> list[Any]:
        value = src.get(key, [])
        if not isinstance(value, list):
            self.fail(key, _("Must be a list."))
            return []
        if not low <= len(value) <= high:
            self.fail(key, _("Give between %(low)d and %(high)d.") % {"low": low, "high": high})
        return value

    def obj(self, value: Any, key: str | int) -> dict | None:
        if not isinstance(value, dict):
            self.fail(str(key), _("Must be an object."))
            return None
        return value

    def ident(self, src: dict, seen: set[str]) -> str:
        value = src.get("id") or new_id()
        if not isinstance(value, str) or not value.isalnum() or len(value) > 16:
            self.fail("id", _("Must be up to 16 letters or digits."))
            value = new_id()
        if value in seen:
            self.fail("id", _("Ids must differ."))
        seen.add(value)
        return value


def _options(r: _Reader, data: dict, *, missing: Decimal | None = ZERO) -> list[dict]:
    """Choice options; an option without a fraction is worth ``missing`` (None: decided later)."""
    options: list[dict] = []
    seen: set[str] = set()
    texts: set[str] = set()
    for i, raw in enumerate(r.items(data, "options", low=2)):
        o = r.obj(raw, f"options.{i}")
        if o is None:
            continue
        at = r.at("options").at(i)
        text = at.text(o, "text", required=True)
        if text in texts:
            at.fail("text", _("Two options have the same text."))
        texts.add(text)
        given = o.get("fraction") not in (None, "")
        fraction = at.number(o, "fraction", default=ZERO, low=-ONE, high=ONE) if given else missing
        options.append(
            {
                "id": at.ident(o, seen),
                "text": text,
                "fraction": None if fraction is None else decimal_text(fraction),
                "feedback": at.text(o, "feedback"),
            }
        )
    return options


def _single_choice(r: _Reader, data: dict) -> dict:
    options = _options(r, data)
    if options and max(Decimal(o["fraction"]) for o in options) != ONE:
        r.fail("options", _("One option must be worth 100%."))
    return {
        "options": options,
        "shuffle": r.flag(data, "shuffle", True),
        "negative_marking": r.flag(data, "negative_marking", False),
    }


def _multiple_choice(r: _Reader, data: dict) -> dict:
    # A wrong option nobody priced costs an equal share of the mark: choosing every option
    # then earns nothing, as in Moodle's usual set-up.
    options = _options(r, data, missing=None)
    unpriced = [o for o in options if o["fraction"] is None]
    for o in unpriced:
        o["fraction"] = decimal_text(-(ONE / len(unpriced)).quantize(Decimal("0.0000001")))
    if options:
        right = [Decimal(o["fraction"]) for o in options if Decimal(o["fraction"]) > 0]
        if not right:
            r.fail("options", _("At least one option must be right."))
        elif abs(sum(right) - ONE) > Decimal("0.01"):
            r.fail("options", _("The right options' fractions must add up to 100%."))
    return {
        "options": options,
        "scoring": r.choice(data, "scoring", Scoring, Scoring.PARTIAL),
        "shuffle": r.flag(data, "shuffle", True),
        "negative_marking": r.flag(data, "negative_marking", False),
    }


def _true_false(r: _Reader, data: dict) -> dict:
    if not isinstance(data.get("answer"), bool):
        r.fail("answer", _("Must be true or false."))
    return {
        "answer": bool(data.get("answer")),
        "feedback_true": r.text(data, "feedback_true"),
        "feedback_false": r.text(data, "feedback_false"),
    }


def _short_answer(r: _Reader, data: dict) -> dict:
    answers = []
    for i, raw in enumerate(r.items(data, "answers", low=1, high=50)):
        a = r.obj(raw, f"answers.{i}")
        if a is None:
            continue
        at = r.at("answers").at(i)
        answers.append(
            {
                "text": at.text(a, "text", required=True),
                "fraction": decimal_text(at.number(a, "fraction", default=ONE, low=ZERO, high=ONE)),
                "feedback": at.text(a, "feedback"),
            }
        )
    if answers and max(Decimal(a["fraction"]) for a in answers) != ONE:
        r.fail("answers", _("One accepted answer must be worth 100%."))
    return {
        "answers": answers,
        "case_sensitive": r.flag(data, "case_sensitive", False),
        "normalize_whitespace": r.flag(data, "normalize_whitespace", True),
    }


def _numeric(r: _Reader, data: dict) -> dict:
    answers = []
    for i, raw in enumerate(r.items(data, "answers", low=1, high=20)):
        a = r.obj(raw, f"answers.{i}")
        if a is None:
            continue
        at = r.at("answers").at(i)
        answers.append(
            {
                "value": decimal_text(at.number(a, "value")),
                "tolerance": decimal_text(at.number(a, "tolerance", default=ZERO, low=ZERO)),
                "fraction": decimal_text(at.number(a, "fraction", default=ONE, low=ZERO, high=ONE)),
                "feedback": at.text(a, "feedback"),
            }
        )
    if answers and max(Decimal(a["fraction"]) for a in answers) != ONE:
        r.fail("answers", _("One answer must be worth 100%."))
    handling = r.choice(data, "unit_handling", UnitHandling, UnitHandling.NONE)
    units, names = [], set()
    for i, raw in enumerate(r.items(data, "units", low=0, high=20)):
        u = r.obj(raw, f"units.{i}")
        if u is None:
            continue
        at = r.at("units").at(i)
        name = at.text(u, "unit", required=True)
        if name in names:
            at.fail("unit", _("Units must differ."))
        names.add(name)
        multiplier = at.number(u, "multiplier", default=ONE)
        if multiplier <= 0:
            at.fail("multiplier", _("Must be more than 0."))
        units.append({"unit": name, "multiplier": decimal_text(multiplier)})
    if handling != UnitHandling.NONE and not units:
        r.fail("units", _("Name at least one unit, or choose no units."))
    return {
        "answers": answers,
        "units": units,
        "unit_handling": handling,
        "unit_penalty": decimal_text(
            r.number(data, "unit_penalty", default=Decimal("0.1"), low=ZERO, high=ONE)
        ),
    }


def _matching(r: _Reader, data: dict) -> dict:
    pairs: list[dict] = []
    seen: set[str] = set()
    prompts: set[str] = set()
    for i, raw in enumerate(r.items(data, "pairs", low=2)):
        p = r.obj(raw, f"pairs.{i}")
        if p is None:
            continue
        at = r.at("pairs").at(i)
        prompt = at.text(p, "prompt", required=True)
        if prompt in prompts:
            at.fail("prompt", _("Two prompts have the same text."))
        prompts.add(prompt)
        pairs.append(
            {
                "id": at.ident(p, seen),
                "prompt": prompt,
                "answer": at.text(p, "answer", required=True),
            }
        )
    distractors = []
    for i, raw in enumerate(r.items(data, "distractors", low=0, high=10)):
        if not isinstance(raw, str) or not raw.strip():
            r.fail(f"distractors.{i}", _("Must be text."))
            continue
        if raw.strip() in {p["answer"] for p in pairs}:
            r.fail(f"distractors.{i}", _("A wrong answer cannot also be a right one."))
        distractors.append(raw.strip())
    return {
        "pairs": pairs,
        "distractors": distractors,
        "scoring": r.choice(data, "scoring", Scoring, Scoring.PARTIAL),
        "shuffle": r.flag(data, "shuffle", True),
    }


def _ordering(r: _Reader, data: dict) -> dict:
    items: list[dict] = []
    seen: set[str] = set()
    for i, raw in enumerate(r.items(data, "items", low=2)):
        it = r.obj(raw, f"items.{i}")
        if it is None:
            continue
        at = r.at("items").at(i)
        items.append({"id": at.ident(it, seen), "text": at.text(it, "text", required=True)})
    return {"items": items, "scoring": r.choice(data, "scoring", Scoring, Scoring.PARTIAL)}


def _essay(r: _Reader, data: dict) -> dict:
    low = r.whole(data, "min_words", default=0)
    high = r.whole(data, "max_words", default=0)
    if high and low > high:
        r.fail("max_words", _("Must be at least the minimum."))
    return {
        "min_words": low,
        "max_words": high,
        "response_template": r.text(data, "response_template"),
        "grader_info": r.text(data, "grader_info"),
    }


CLEANERS: dict[str, Callable[[_Reader, dict], dict]] = {
    QuestionKind.SINGLE_CHOICE: _single_choice,
    QuestionKind.MULTIPLE_CHOICE: _multiple_choice,
    QuestionKind.TRUE_FALSE: _true_false,
    QuestionKind.SHORT_ANSWER: _short_answer,
    QuestionKind.NUMERIC: _numeric,
    QuestionKind.MATCHING: _matching,
    QuestionKind.ORDERING: _ordering,
    QuestionKind.ESSAY: _essay,
}


def data_clean(*, kind: str, data: Any) -> dict:
    """The stored form of ``data`` for a question of ``kind``; ValidationError names bad fields."""
    if kind not in CLEANERS:
        raise ValidationError(_("Unknown question kind."), errors={"kind": [_("Unknown kind.")]})
    if not isinstance(data, dict):
        raise ValidationError(_("Check the question."), errors={"data": [_("Must be an object.")]})
    errors: Errors = {}
    cleaned = CLEANERS[kind](_Reader(errors), data)
    if errors:
        raise ValidationError(
            _("Check the question."), errors={f"data.{k}": v for k, v in errors.items()}
        )
    return cleaned
