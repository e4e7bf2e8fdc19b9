"""The schema class of every API view: states in one place what the server enforces everywhere.

- Request bodies of ``InputSerializer``s refuse unknown fields: ``additionalProperties: false``.
- Their text fields that may not be blank state ``pattern: \\S``: DRF trims whitespace
  first, so ``" "`` is as blank as ``""``.
- ``InputSerializer``s are validated whole, also on PATCH (views never pass ``partial``), so
  their PATCH bodies keep their required fields.
- A raw JSON Schema request body with required fields is itself required.
- List views answer 400 for bad query parameters (filters, ``page_size``) and 404 for a page
  or cursor that does not exist; views behind sign-in answer 401. Views that document these
  codes themselves keep their own descriptions.
- Filter parameters state what ``StrictFilterBackend`` accepts: booleans ``true``/``false``,
  texts not blank and within their length, numbers within their bounds.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny

from kalpla.api.filters import query_parameter_schema
from kalpla.api.serializers import (
    NOT_BLANK_PATTERN,
    ErrorSerializer,
    InputSerializer,
    StrictStringMixin,
)


def _is_input(serializer: Any) -> bool:
    if isinstance(serializer, type):
        return issubclass(serializer, InputSerializer)
    return isinstance(serializer, InputSerializer)


class KalplaAutoSchema(AutoSchema):
    def _map_serializer(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, InputSerializer):
            schema = {**schema, "additionalProperties": False}
        return schema

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, StrictStringMixin)
            and not getattr(field, "allow_blank", True)
            and getattr(field, "trim_whitespace", False)
            and "pattern" not in schema
        ):
            schema = {**schema, "pattern": NOT_BLANK_PATTERN}
        return schema

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        if self.method == "PATCH" and _is_input(serializer):
            self.method = "POST"  # no "Patched" (all optional) copy of the component
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        schema, required = super()._get_request_for_media_type(serializer, direction)
        if isinstance(serializer, dict) and serializer.get("required"):
            # a raw JSON Schema body (validated by hand, e.g. the events batch) with required
            # fields: the body itself is required
            required = True
        return schema, required

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        for code, description in self._implicit_errors().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=str(description)), str(code)
                )
        return responses

    def _implicit_errors(self) -> dict[int, Any]:
        errors: dict[int, Any] = {}
        if self.method == "GET" and self._is_list_view() and self._get_paginator():
            errors[400] = _("Invalid query parameters (errors per parameter)")
            paginator = self._get_paginator()
            errors[404] = (
                _("Invalid cursor")
                if isinstance(paginator, CursorPagination)
                else _("Invalid page")
            )
        permissions = getattr(self.view, "permission_classes", [])
        if not any(permission is AllowAny for permission in permissions):
            errors[401] = _("Not signed in")
        return errors


class StrictFilterExtension(DjangoFilterExtension):
    target_class = "kalpla.api.filters.StrictFilterBackend"
    priority = 1  # over drf-spectacular's own extension for DjangoFilterBackend subclasses

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> Any:
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        stated = query_parameter_schema(filter_field.field)
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], **stated}
        return parameters
