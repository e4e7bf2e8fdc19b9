"""Reading an enrollment CSV (tablib) into rows, and the shape checks of one row."""

from __future__ import annotations

from dataclasses import dataclass

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError

COLUMNS = ("email", "course", "cohort", "name")
REQUIRED = ("email", "course")
NAME_MAX = 150


class _EmailValidator(EmailValidator):
    """Django's email validation, each domain's verdict remembered: a file's thousands of
    addresses share a few domains, and the domain's pattern is the slow half of the check."""

    def __init__(self) -> None:
        super().__init__()
        self._domains: dict[str, bool] = {}

    def validate_domain_part(self, domain_part: str) -> bool:
        verdict = self._domains.get(domain_part)
        if verdict is None:
            if len(self._domains) > 10_000:
                self._domains.clear()
            verdict = self._domains[domain_part] = bool(super().validate_domain_part(domain_part))
        return verdict


validate_email = _EmailValidator()


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One data row: ``number`` counts from 1 under the header (blank lines not counted);
    ``values`` is the row as uploaded (every column, for the error report)."""

    number: int
    email: str
    course: str
    cohort: str
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportFile:
    headers: tuple[str, ...]
    rows: list[ImportRow]


def _file_error(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_file", errors={"file": [message]})


def csv_decode(data: bytes) -> str:
    """The file's text (UTF-8, with or without a byte order mark); a clear error otherwise."""
    limit = settings.KALPLA_ENROLLMENT_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise _file_error(
            _("The file is larger than %(mb)s MB: split it into smaller files.")
            % {"mb": limit // (1024 * 1024)}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            _("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”.")
        ) from None


def _dataset(text: str) -> tuple[tablib.Dataset, tuple[str, ...]]:
    """The file's rows and its header's column names (trimmed, lower case); ValidationError
    for a file that cannot be an import: unreadable, no header, missing columns, no rows, too
    many rows."""
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except tablib.InvalidDimensions:
        raise _file_error(
            _("A row has more cells than the header has columns: check the commas.")
        ) from None
    except Exception:  # the csv module's and tablib's errors for text that is not a CSV
        raise _file_error(_("The file could not be read as CSV.")) from None
    headers = tuple((h or "").strip().lower() for h in (dataset.headers or ()))
    missing = [column for column in REQUIRED if column not in headers]
    if missing:
        raise _file_error(
            _("The header row must name the columns email and course (missing: %(cols)s).")
            % {"cols": ", ".join(missing)}
        )
    if not dataset.height:
        raise _file_error(_("The file has a header but no rows."))
    limit = settings.KALPLA_ENROLLMENT_IMPORT_MAX_ROWS
    if dataset.height > limit:
        raise _file_error(
            _("The file has %(n)d rows; at most %(max)d are imported at once.")
            % {"n": dataset.height, "max": limit}
        )
    return dataset, headers


def csv_check(text: str) -> int:
    """How many rows ``text`` has, once it is known to be a file that can be imported (the
    upload's check; the rows themselves are checked by the run)."""
    dataset, _headers = _dataset(text)
    return int(dataset.height)


def csv_read(text: str) -> ImportFile:
    """The rows of ``text``: a CSV with a header row naming at least ``email`` and ``course``,
    in any order and case (``csv_check``'s errors otherwise)."""
    dataset, headers = _dataset(text)
    where = [headers.index(column) if column in headers else None for column in COLUMNS]
    rows = []
    for number, values in enumerate(dataset, start=1):
        values = tuple(values)
        email, course, cohort, name = (
            (values[i] or "").strip() if i is not None else "" for i in where
        )
        rows.append(
            ImportRow(
                number=number,
                email=email.lower(),
                course=course,
                cohort=cohort,
                name=" ".join(name.split())[:NAME_MAX],
                values=values,
            )
        )
    return ImportFile(headers=tuple(dataset.headers or ()), rows=rows)


def row_shape_error(row: ImportRow) -> str | None:
    """What is wrong with the row on its own (before any look-up), or None."""
    if not row.email:
        return _("The email is missing.")
    try:
        validate_email(row.email)
    except DjangoValidationError:
        return _("“%(email)s” is not a valid email address.") % {"email": row.email}
    if not row.course:
        return _("The course is missing.")
    return None
