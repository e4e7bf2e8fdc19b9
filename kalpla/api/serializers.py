from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

# What the schema states for a text that must not be blank: trimmed of surrounding whitespace
# (Python's notion of it, as DRF trims), something must be left.
NOT_BLANK_PATTERN = r"\S"


class StrictStringMixin:
    """Input text fields take JSON strings only, measured as sent.

    DRF's ``CharField`` turns a JSON number (``42``, ``1.5``) into a string, so a client's
    type bug is silently stored; here it is "Not a valid string.". ``max_length`` is checked
    on the value as sent (DRF checks it after trimming whitespace), so the schema's
    ``maxLength`` is exactly what the server allows. Every input serializer's text fields use
    this (``kalpla.tests.test_strict_fields`` checks).
    """

    max_length: int | None

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictRegexField(StrictStringMixin, serializers.RegexField):
    pass


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
