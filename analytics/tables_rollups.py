"""The dashboards' tables: sortable, paginated, exported as CSV, from the figures' rows.

A table is built from a list of dicts (the cached figures) and the request's own query
parameters ``<name>_sort`` (a column key, ``-`` for descending) and ``<name>_page``, so
several tables on one page sort and page on their own and every link keeps the others' state
and the date range. Sorting and paging work without JavaScript. ``?format=csv&table=<name>``
streams the whole table (every page) in the current sort.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _

from courses.selectors.outline import duration_words

PER_PAGE = 15
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # int | float | ratio | seconds | money | text | date

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "date")


def display(value: Any, kind: str) -> str:
    """A cell as people read it."""
    if value is None or value == "":
        return "—"
    if kind == "ratio":
        return f"{float(value) * 100:.1f}%"
    if kind == "seconds":
        return duration_words(int(value)) or "0"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "float":
        return f"{float(value):,.1f}"
    return str(value)


def _sort_key(value: Any) -> tuple[bool, Any]:
    # None last in both directions is not needed for honesty; last ascending is enough
    if value is None:
        return (True, 0)
    try:
        return (False, float(value))
    except (TypeError, ValueError):
        return (False, str(value).lower())


@dataclass
class Table:
    name: str
    caption: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    sort: str
    descending: bool
    page: Page
    query: Any  # the request's QueryDict, for the links

    def _link(self, **changes: str) -> str:
        params = self.query.copy()
        params.pop("format", None)
        params.pop("table", None)
        for key, value in changes.items():
            params[key] = value
        return "?" + params.urlencode()

    @property
    def headers(self) -> list[dict[str, Any]]:
        out = []
        for column in self.columns:
            current = column.key == self.sort
            descending = current and self.descending
            # a click sorts the column descending first for figures, ascending for text
            if current:
                target = column.key if descending else f"-{column.key}"
            else:
                target = f"-{column.key}" if column.numeric else column.key
            out.append(
                {
                    "label": column.label,
                    "numeric": column.numeric,
                    "aria_sort": ("descending" if descending else "ascending") if current else None,
                    "url": self._link(**{f"{self.name}_sort": target, f"{self.name}_page": "1"}),
                }
            )
        return out

    @property
    def cells(self) -> list[list[dict[str, Any]]]:
        """The page's rows as cells; a row's ``url`` links its first cell."""
        return [
            [
                {
                    "text": display(row.get(c.key), c.kind),
                    "numeric": c.numeric,
                    "url": row.get("url") if n == 0 else None,
                }
                for n, c in enumerate(self.columns)
            ]
            for row in self.page.object_list
        ]

    @property
    def previous_url(self) -> str | None:
        if not self.page.has_previous():
            return None
        return self._link(**{f"{self.name}_page": str(self.page.previous_page_number())})

    @property
    def next_url(self) -> str | None:
        if not self.page.has_next():
            return None
        return self._link(**{f"{self.name}_page": str(self.page.next_page_number())})

    @property
    def csv_url(self) -> str:
        return self._link(format="csv", table=self.name)


def table_build(
    request: HttpRequest,
    *,
    name: str,
    caption: str,
    columns: list[Column],
    rows: list[dict[str, Any]],
    default_sort: str,
    per_page: int = PER_PAGE,
) -> Table:
    """The table of ``rows`` sorted and paged as the request asks (unknown columns and pages
    fall back to the default sort and the nearest page: never an error)."""
    keys = {c.key for c in columns}
    asked = request.GET.get(f"{name}_sort", default_sort)
    descending = asked.startswith("-")
    sort = asked.lstrip("-")
    if sort not in keys:
        descending, sort = default_sort.startswith("-"), default_sort.lstrip("-")
    ordered = sorted(rows, key=lambda r: _sort_key(r.get(sort)), reverse=descending)
    page = Paginator(ordered, per_page).get_page(request.GET.get(f"{name}_page"))
    return Table(name, caption, columns, ordered, sort, descending, page, request.GET)


def csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_safe(c.label) for c in table.columns])
    for row in table.rows:
        yield writer.writerow(
            [csv_safe("" if row.get(c.key) is None else row.get(c.key)) for c in table.columns]
        )


def csv_response(table: Table, *, filename: str) -> StreamingHttpResponse:
    """The whole table (every page, the current sort) as a streamed CSV download."""
    response = StreamingHttpResponse(_csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def no_such_table() -> str:
    return _("There is no such table on this page.")
