"""Plain-text question formats teachers already have files in: Moodle's GIFT and Aiken.

A parser reads the whole text and returns an ``ImportReport``: the questions (each already in the
engine's stored form) and, for bad input, one error per problem with its line number. Callers
save the questions only when there are no errors, so a file is imported whole or not at all.
"""

from dataclasses import dataclass, field
from typing import Any

from kalpla.exceptions import ValidationError

from ..engine.data import data_clean


@dataclass
class ParsedQuestion:
    line: int
    kind: str
    text: str
    data: dict[str, Any]
    name: str = ""
    category: str = ""
    feedback: str = ""


@dataclass
class ImportReport:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    saved: list[int] = field(default_factory=list)  # ids of the questions saved

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, question: ParsedQuestion) -> None:
        """Keep ``question`` when the engine accepts its data, else report why, at its line."""
        try:
            question.data = data_clean(kind=question.kind, data=question.data)
        except ValidationError as exc:
            for path, messages in exc.errors.items():
                for message in messages:
                    self.errors.append((question.line, f"{path}: {message}"))
            return
        if not question.text.strip():
            self.errors.append((question.line, "The question has no text."))
            return
        self.questions.append(question)


@dataclass
class ExportResult:
    text: str
    skipped: list[str] = field(default_factory=list)
