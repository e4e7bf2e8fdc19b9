"""Reading an enrollment CSV (tablib) into rows, and the shape checks of one row."""

from __future__ import annotations

from dataclasses import dataclass

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kalpla.exceptions import ValidationError

COLUMNS = ("email", "course", "cohort", "name")
REQUIRED = ("email", "course")
NAME_MAX = 150


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


def csv_read(text: str) -> ImportFile:
    """The rows of ``text`` (a CSV with a header row naming at least ``email`` and
    ``course``, in any order and case). Raises ValidationError for a file that cannot be an
    import: unreadable, no header, missing columns, no rows, too many rows."""
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
    where = {column: headers.index(column) for column in COLUMNS if column in headers}

    def cell(values: tuple[str, ...], column: str) -> str:
        index = where.get(column)
        return (values[index] or "").strip() if index is not None else ""

    rows = []
    for number, values in enumerate(dataset, start=1):
        values = tuple(values)
        rows.append(
            ImportRow(
                number=number,
                email=cell(values, "email").lower(),
                course=cell(values, "course"),
                cohort=cell(values, "cohort"),
                name=" ".join(cell(values, "name").split())[:NAME_MAX],
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
