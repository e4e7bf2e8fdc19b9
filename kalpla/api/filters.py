"""The filter backend of every list: a query parameter is applied or refused, never ignored.

django-filter drops a parameter whose value is empty (``?level=``) or that its field cleans
to nothing (``?is_free=maybe`` for a boolean), so a client's typo silently widens the list.
Here both are a 400 with a message per parameter, like any other invalid value. Booleans are
``true`` or ``false`` exactly, and texts are measured as sent (before Django strips them), so
``query_parameter_schema`` can state exactly what is accepted.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.request import Request

from kalpla.api.serializers import NOT_BLANK_PATTERN

EMPTY_VALUES: tuple[object, ...] = (None, "", [], ())
BOOLEAN_VALUES = ("true", "false")


def raw_value_error(field: forms.Field, raw: str) -> str | None:
    """What is wrong with the query value as sent, before the form field cleans it."""
    if isinstance(field, forms.NullBooleanField) and raw not in BOOLEAN_VALUES:
        return _("Use true or false.")
    if isinstance(field, forms.CharField) and field.max_length and len(raw) > field.max_length:
        return _("Use at most %(count)d characters.") % {"count": field.max_length}
    return None


def query_parameter_schema(field: forms.Field) -> dict[str, Any]:
    """The schema keywords that state what ``StrictFilterBackend`` accepts for ``field``."""
    if isinstance(field, forms.NullBooleanField):
        return {"type": "boolean"}
    schema: dict[str, Any] = {}
    if isinstance(field, forms.CharField):
        schema["minLength"] = 1
        if field.strip:
            schema["pattern"] = NOT_BLANK_PATTERN
        if field.max_length:
            schema["maxLength"] = field.max_length
    elif isinstance(field, forms.DecimalField | forms.FloatField | forms.IntegerField):
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
    return schema


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        form = filterset.form
        raw_errors = {
            name: [error]
            for name in filterset.filters
            if name in request.query_params
            and (error := raw_value_error(form.fields[name], request.query_params[name]))
        }
        if raw_errors:
            raise serializers.ValidationError(raw_errors)
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        cleaned = form.cleaned_data
        ignored = {
            name: [_("Give a valid value or leave the parameter out.")]
            for name in filterset.filters
            if name in request.query_params and cleaned.get(name) in EMPTY_VALUES
        }
        if ignored:
            raise serializers.ValidationError(ignored)
        return filterset.qs
