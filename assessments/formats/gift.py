"""Moodle's GIFT format (https://docs.moodle.org/en/GIFT_format), read and written.

Supported as Moodle reads it: ``// comments``, ``$CATEGORY:`` lines, ``::title::``, the
``[markdown]``/``[plain]``/``[html]``/``[moodle]`` text formats, escapes (``\\~ \\= \\# \\{ \\}
\\: \\\\`` and ``\\n``), and the answer blocks of every kind GIFT has: multiple choice
(``{=right ~wrong}``, weights ``~%50%``, several right answers), missing word (text after the
block), true/false (``{T}``, ``{FALSE#wrong feedback#right feedback}``), short answer
(``{=a =b}``), numeric (``{#3.14:0.01}``, ``{#1..2}``, ``{# =5:0 =%50%5:1}``), matching
(``{=cat -> meow}``), essay (``{}``), per-answer ``#feedback`` and general ``####feedback``.
Ordering questions have no GIFT form; export skips them and says so.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..engine.data import decimal_text
from ..engine.kinds import QuestionKind, Scoring
from . import ExportResult, ImportReport, ParsedQuestion

_SPECIAL = "~=#{}:"
_PLACEHOLDER = "\x00"
_ESCAPES = {f"\\{c}": chr(0xE000 + i) for i, c in enumerate(_SPECIAL + "\\")}
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]\s*", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
MISSING_WORD = "_____"


def _protect(text: str) -> str:
    """Hide escaped characters so that splitting on the syntax never sees them."""
    for escape, mark in _ESCAPES.items():
        text = text.replace(escape, mark)
    return text


def _unprotect(text: str) -> str:
    for escape, mark in _ESCAPES.items():
        text = text.replace(mark, escape[1])
    return text.replace("\\n", "\n")


def _clean_text(text: str) -> str:
    return _unprotect(_FORMAT.sub("", text).strip())


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each question, comments removed, blank-line separated."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _answers(body: str) -> list[tuple[str, Decimal | None, str, str]]:
    """(marker, weight or None, text, feedback) for each ``=`` / ``~`` answer of a block."""
    items = []
    for match in re.finditer(r"([=~])([^=~]*)", body):
        marker, rest = match.group(1), match.group(2)
        weight = None
        found = _WEIGHT.match(rest.strip())
        if found:
            weight = Decimal(found.group(1)) / 100
            rest = rest.strip()[found.end() :]
        text, _sep, feedback = rest.partition("#")
        items.append((marker, weight, text.strip(), feedback.strip()))
    return items


def _true_false(body: str) -> dict | None:
    head, *feedback = body.split("#")
    value = head.strip().upper()
    if value not in ("T", "TRUE", "F", "FALSE"):
        return None
    answer = value.startswith("T")
    wrong = _unprotect(feedback[0].strip()) if feedback else ""
    right = _unprotect(feedback[1].strip()) if len(feedback) > 1 else ""
    return {
        "answer": answer,
        "feedback_true": right if answer else wrong,
        "feedback_false": wrong if answer else right,
    }


def _numeric_answer(text: str) -> dict:
    if ".." in text:
        low, high = (Decimal(x) for x in text.split("..", 1))
        return {
            "value": decimal_text((low + high) / 2),
            "tolerance": decimal_text((high - low) / 2),
        }
    value, _sep, tolerance = text.partition(":")
    return {
        "value": decimal_text(Decimal(value)),
        "tolerance": decimal_text(Decimal(tolerance or "0")),
    }


def _numeric(body: str) -> dict:
    body = body[1:].strip()
    if not body.startswith("="):
        text, _sep, feedback = body.partition("#")
        return {
            "answers": [
                {
                    **_numeric_answer(text.strip()),
                    "fraction": "1",
                    "feedback": _unprotect(feedback.strip()),
                }
            ]
        }
    answers = []
    for _marker, weight, text, feedback in _answers(body):
        fraction = Decimal(1) if weight is None else weight
        answers.append(
            {
                **_numeric_answer(text),
                "fraction": decimal_text(fraction),
                "feedback": _unprotect(feedback),
            }
        )
    return {"answers": answers}


def _choice_or_text(items: list[tuple[str, Decimal | None, str, str]]) -> tuple[str, dict]:
    if any("->" in text for _m, _w, text, _f in items):
        pairs, distractors = [], []
        for _marker, _weight, text, _feedback in items:
            prompt, _sep, answer = (_unprotect(x.strip()) for x in text.partition("->"))
            if prompt:
                pairs.append({"prompt": prompt, "answer": answer})
            else:
                distractors.append(answer)
        return QuestionKind.MATCHING, {
            "pairs": pairs,
            "distractors": distractors,
            "scoring": Scoring.PARTIAL,
        }
    if all(marker == "=" for marker, *_rest in items):
        answers = [
            {
                "text": _unprotect(text),
                "fraction": decimal_text(Decimal(1) if w is None else w),
                "feedback": _unprotect(f),
            }
            for _m, w, text, f in items
        ]
        return QuestionKind.SHORT_ANSWER, {"answers": answers}
    options = []
    for marker, weight, text, feedback in items:
        fraction = weight if weight is not None else (Decimal(1) if marker == "=" else Decimal(0))
        options.append(
            {
                "text": _unprotect(text),
                "fraction": decimal_text(fraction),
                "feedback": _unprotect(feedback),
            }
        )
    right = [Decimal(o["fraction"]) for o in options if Decimal(o["fraction"]) > 0]
    if len(right) > 1 and max(right) < 1:
        return QuestionKind.MULTIPLE_CHOICE, {"options": options, "scoring": Scoring.PARTIAL}
    return QuestionKind.SINGLE_CHOICE, {"options": options}


def _question(line: int, block: str, category: str, report: ImportReport) -> None:
    block = _protect(block)
    name = ""
    title = re.match(r"^\s*::(.*?)::", block, re.DOTALL)
    if title:
        name = _unprotect(title.group(1).strip())
        block = block[title.end() :]
    opening, closing = block.count("{"), block.count("}")
    if opening == 0 and closing == 0:
        report.warnings.append((line, _("No answers in braces: a description, not imported.")))
        return
    if opening != 1 or closing != 1 or block.index("{") > block.index("}"):
        report.errors.append((line, _("Each question needs exactly one {…} answer block.")))
        return
    before, rest = block.split("{", 1)
    body, after = rest.split("}", 1)
    feedback = ""
    if "####" in body:
        body, feedback = body.split("####", 1)
    body = body.strip()
    text = _clean_text(before)
    if after.strip():
        text = f"{text} {MISSING_WORD} {_clean_text(after)}".strip()
    kind: str
    data: dict
    try:
        if not body:
            kind, data = QuestionKind.ESSAY, {}
        elif body.startswith("#"):
            kind, data = QuestionKind.NUMERIC, _numeric(body)
        elif (tf := _true_false(body)) is not None:
            kind, data = QuestionKind.TRUE_FALSE, tf
        else:
            items = _answers(body)
            if not items or body[0] not in "=~":
                report.errors.append((line, _("Answers start with = (right) or ~ (wrong).")))
                return
            kind, data = _choice_or_text(items)
    except (InvalidOperation, ValueError):
        report.errors.append((line, _("A numeric answer is not a number.")))
        return
    report.add(
        ParsedQuestion(
            line=line,
            kind=kind,
            text=text,
            data=data,
            name=name,
            category=category,
            feedback=_unprotect(feedback.strip()),
        )
    )


def _category(value: str) -> str:
    path = [p for p in value.strip().split("/") if p and p not in ("$course$", "$system$", "top")]
    return "/".join(path)


def gift_parse(text: str) -> ImportReport:
    report = ImportReport()
    category = ""
    for line, block in _blocks(text):
        if block.lstrip().startswith("$CATEGORY:"):
            first, *rest = block.split("\n")
            category = _category(first.split(":", 1)[1])
            if rest:
                _question(line + 1, "\n".join(rest), category, report)
            continue
        _question(line, block, category, report)
    if not report.questions and not report.errors:
        report.errors.append((1, _("The file holds no questions.")))
    return report


# --- export ----------------------------------------------------------------------------------


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for c in _SPECIAL:
        text = text.replace(c, f"\\{c}")
    return text.replace("\n", "\\n")


def _weighted(marker: str, fraction: str, text: str, feedback: str) -> str:
    weight = (
        ""
        if fraction in ("1", "0") and marker in "=~"
        else f"%{decimal_text(Decimal(fraction) * 100)}%"
    )
    tail = f"#{_escape(feedback)}" if feedback else ""
    return f"{marker}{weight}{_escape(text)}{tail}"


def _body(kind: str, data: dict) -> str | None:
    if kind == QuestionKind.ESSAY:
        return ""
    if kind == QuestionKind.TRUE_FALSE:
        answer = data["answer"]
        wrong = data["feedback_false"] if answer else data["feedback_true"]
        right = data["feedback_true"] if answer else data["feedback_false"]
        tail = f"#{_escape(wrong)}#{_escape(right)}" if wrong or right else ""
        return f"{'TRUE' if answer else 'FALSE'}{tail}"
    if kind == QuestionKind.SINGLE_CHOICE:
        parts = []
        for o in data["options"]:
            if o["fraction"] == "1":
                parts.append(_weighted("=", "1", o["text"], o["feedback"]))
            else:
                parts.append(_weighted("~", o["fraction"], o["text"], o["feedback"]))
        return " ".join(parts)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        parts = []
        for o in data["options"]:
            weight = f"%{decimal_text(Decimal(o['fraction']) * 100)}%"
            tail = f"#{_escape(o['feedback'])}" if o["feedback"] else ""
            parts.append(f"~{weight}{_escape(o['text'])}{tail}")
        return " ".join(parts)
    if kind == QuestionKind.SHORT_ANSWER:
        return " ".join(
            _weighted("=", a["fraction"], a["text"], a["feedback"]) for a in data["answers"]
        )
    if kind == QuestionKind.NUMERIC:
        parts = []
        for a in data["answers"]:
            weight = (
                "" if a["fraction"] == "1" else f"%{decimal_text(Decimal(a['fraction']) * 100)}%"
            )
            tail = f"#{_escape(a['feedback'])}" if a["feedback"] else ""
            parts.append(f"={weight}{a['value']}:{a['tolerance']}{tail}")
        return "# " + " ".join(parts)
    if kind == QuestionKind.MATCHING:
        parts = [f"={_escape(p['prompt'])} -> {_escape(p['answer'])}" for p in data["pairs"]]
        parts += [f"= -> {_escape(d)}" for d in data.get("distractors", [])]
        return " ".join(parts)
    return None


def gift_export(questions: list[ParsedQuestion]) -> ExportResult:
    """GIFT text for ``questions`` (in order); kinds GIFT cannot hold are listed as skipped."""
    lines: list[str] = []
    skipped: list[str] = []
    category = None
    for q in questions:
        body = _body(q.kind, q.data)
        if body is None:
            skipped.append(q.name or q.text[:60])
            continue
        if q.category != category and q.category:
            lines += [f"$CATEGORY: $course$/top/{q.category}", ""]
        category = q.category
        title = f"::{_escape(q.name)}::" if q.name else ""
        feedback = f" ####{_escape(q.feedback)}" if q.feedback else ""
        lines += [f"{title}[markdown]{_escape(q.text)} {{{body}{feedback}}}", ""]
    return ExportResult(text="\n".join(lines), skipped=skipped)
