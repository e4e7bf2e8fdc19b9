"""Input text fields take JSON strings only, as the schema's ``type: string`` states."""

from typing import Any

import pytest
from django.urls import get_resolver
from rest_framework import serializers

from kalpla.api.serializers import InputSerializer, StrictCharField, StrictStringMixin


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def _fields(field: Any) -> list[Any]:
    """The field and, for lists, dicts and nested serializers, the fields inside it."""
    if isinstance(field, serializers.BaseSerializer):
        inner = getattr(field, "child", None)
        if inner is not None:
            return _fields(inner)
        return [leaf for child in field.fields.values() for leaf in _fields(child)]
    if isinstance(field, serializers.ListField | serializers.DictField):
        return [field, *_fields(field.child)]
    return [field]


@pytest.mark.parametrize("value", [42, 1.5, True, ["a"], {"a": 1}])
def test_strict_char_field_refuses_what_is_not_a_string(value):
    field = StrictCharField(max_length=10)
    with pytest.raises(serializers.ValidationError) as info:
        field.run_validation(value)
    assert info.value.detail == ["Not a valid string."]


def test_strict_char_field_measures_the_value_as_sent():
    field = StrictCharField(max_length=4)
    assert field.run_validation(" ab ") == "ab"
    with pytest.raises(serializers.ValidationError):
        field.run_validation("ab" + " " * 5)
    with pytest.raises(serializers.ValidationError):
        field.run_validation("\x1c")  # whitespace to Python: trimmed to blank


def test_every_input_serializer_text_field_is_strict():
    get_resolver().url_patterns  # imports every view and so every serializer
    loose = [
        f"{serializer.__module__}.{serializer.__qualname__}.{name}"
        for serializer in _subclasses(InputSerializer)
        for name, field in serializer().fields.items()
        for leaf in _fields(field)
        if isinstance(leaf, serializers.CharField) and not isinstance(leaf, StrictStringMixin)
    ]
    assert len(_subclasses(InputSerializer)) >= 10
    assert loose == []


def test_schema_states_that_blank_text_is_refused(client):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    token = components["DeviceRegisterInRequest"]["properties"]["token"]
    assert (token["minLength"], token["pattern"], token["maxLength"]) == (1, r"\S", 512)
    reason = components["ReviewReportInRequest"]["properties"]["reason"]
    assert (reason["minLength"], reason["pattern"], reason["maxLength"]) == (1, r"\S", 500)
    # a text that may be blank states no such pattern
    assert "pattern" not in components["ReviewReplyInRequest"]["properties"]["text"]
