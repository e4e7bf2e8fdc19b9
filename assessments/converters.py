"""URL path converters of the assessments app, registered once when first imported."""

from django.urls import register_converter


class FormatConverter:
    """A question file format: gift or aiken (anything else is a 404)."""

    regex = "gift|aiken"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "qformat")
