"""Pagination of every list: bad ``page_size`` (or ``page``) is a 400 with a field message.

DRF's classes fall back to the default page size when ``page_size`` is not a number, which
hides client bugs; ``page`` and ``cursor`` that point nowhere stay DRF's 404 (documented by
``kalpla.api.schema``).
"""

from typing import Any

from rest_framework import pagination, serializers
from rest_framework.request import Request


def validated_query_int(request: Request, name: str, *, maximum: int | None = None) -> int | None:
    """The positive integer in query parameter ``name``, None when absent; 400 when bad."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    field = serializers.IntegerField(min_value=1, max_value=maximum)
    try:
        return int(field.run_validation(raw))
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({name: exc.detail}) from exc


def _bounds(parameters: list[dict[str, Any]], name: str, maximum: int | None) -> None:
    for parameter in parameters:
        if parameter["name"] == name:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            if maximum:
                parameter["schema"]["maximum"] = maximum


class PageSizeMixin:
    page_size_query_param: str | None = "page_size"
    max_page_size: int | None = 100
    page_size: int | None

    def get_page_size(self, request: Request) -> int | None:
        size = validated_query_int(request, "page_size", maximum=self.max_page_size)
        return size if size is not None else self.page_size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)  # type: ignore[misc]
        _bounds(parameters, "page_size", self.max_page_size)
        return parameters


class PageNumberPagination(PageSizeMixin, pagination.PageNumberPagination):
    page_size = 20

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        validated_query_int(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        _bounds(parameters, self.page_query_param, None)
        return parameters


class NewestFirstCursorPagination(PageSizeMixin, pagination.CursorPagination):
    """For feeds and chat history."""

    page_size = 30
    ordering = "-created_at"
