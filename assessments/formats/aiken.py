"""The Aiken format (https://docs.moodle.org/en/Aiken_format): single-choice questions only.

::

    What is the capital of France?
    A. Berlin
    B) Paris
    ANSWER: B

The question's text may run over several lines; options are lettered in order, ``A.`` or
``A)``; ``ANSWER:`` closes the question. Only single-choice questions (and true/false, as two
options) can be written back; export lists the others as skipped.
"""

import re
import string

from django.utils.translation import gettext as _

from ..engine.kinds import QuestionKind
from . import ExportResult, ImportReport, ParsedQuestion

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.+)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


class _Question:
    def __init__(self, line: int) -> None:
        self.line = line
        self.text: list[str] = []
        self.options: list[tuple[str, str]] = []


def aiken_parse(text: str) -> ImportReport:
    report = ImportReport()
    current: _Question | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if current is None:
            current = _Question(number)
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            _finish(current, answer.group(1).strip().upper(), number, report)
            current = None
        elif option and (current.options or current.text):
            letter = option.group(1)
            expected = string.ascii_uppercase[len(current.options)]
            if letter != expected:
                report.errors.append(
                    (
                        number,
                        _("Option %(got)s should be %(want)s.") % {"got": letter, "want": expected},
                    )
                )
            current.options.append((letter, option.group(2).strip()))
        elif current.options:
            report.errors.append(
                (number, _('Expected the next option ("C. …") or "ANSWER: …" here.'))
            )
        else:
            current.text.append(line)
    if current is not None:
        report.errors.append((current.line, _('The question has no "ANSWER:" line.')))
    if not report.questions and not report.errors:
        report.errors.append((1, _("The file holds no questions.")))
    return report


def _finish(q: _Question, letter: str, line: int, report: ImportReport) -> None:
    if len(q.options) < 2:
        report.errors.append((q.line, _("A question needs at least two options.")))
        return
    letters = [x for x, _text in q.options]
    if letter not in letters:
        report.errors.append(
            (
                line,
                _("ANSWER names %(letter)s, which is not an option.") % {"letter": letter or "-"},
            )
        )
        return
    options = [{"text": t, "fraction": "1" if x == letter else "0"} for x, t in q.options]
    report.add(
        ParsedQuestion(
            line=q.line,
            kind=QuestionKind.SINGLE_CHOICE,
            text=" ".join(q.text),
            data={"options": options},
        )
    )


def aiken_export(questions: list[ParsedQuestion]) -> ExportResult:
    lines: list[str] = []
    skipped: list[str] = []
    for q in questions:
        if q.kind == QuestionKind.TRUE_FALSE:
            options = [(_("True"), q.data["answer"]), (_("False"), not q.data["answer"])]
        elif q.kind == QuestionKind.SINGLE_CHOICE and len(q.data["options"]) <= 26:
            options = [(o["text"], o["fraction"] == "1") for o in q.data["options"]]
        else:
            skipped.append(q.name or q.text[:60])
            continue
        lines.append(" ".join(q.text.split()))
        lines += [
            f"{string.ascii_uppercase[i]}. {' '.join(t.split())}"
            for i, (t, _r) in enumerate(options)
        ]
        right = next(i for i, (_t, r) in enumerate(options) if r)
        lines += [f"ANSWER: {string.ascii_uppercase[right]}", ""]
    return ExportResult(text="\n".join(lines), skipped=skipped)
