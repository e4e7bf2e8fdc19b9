from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers


class InputSerializer(serializers.Serializer):
    """Input serializer that refuses fields it does not know, instead of ignoring them."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if hasattr(self, "initial_data") and isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return attrs


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer (documented in the schema)."""

    message = serializers.CharField()
    code = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field]:
        # "errors" is declared here: the name clashes with Serializer.errors as a class attribute.
        fields = super().get_fields()
        fields["errors"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Messages per field; absent when the error is not about fields.",
        )
        return fields
