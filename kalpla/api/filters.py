"""The filter backend of every list: a query parameter is applied or refused, never ignored.

django-filter drops a parameter whose value is empty (``?level=``) or that its field cleans
to nothing (``?is_free=maybe`` for a boolean), so a client's typo silently widens the list.
Here both are a 400 with a message per parameter, like any other invalid value.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.request import Request

EMPTY_VALUES: tuple[object, ...] = (None, "", [], ())


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        cleaned = filterset.form.cleaned_data
        ignored = {
            name: [_("Give a valid value or leave the parameter out.")]
            for name in filterset.filters
            if name in request.query_params and cleaned.get(name) in EMPTY_VALUES
        }
        if ignored:
            raise serializers.ValidationError(ignored)
        return filterset.qs
