"""Money in the API (API.md): ``{"amount": "49.00", "currency": "INR"}``."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONEY_SCHEMA = {
    "type": "object",
    "properties": {
        "amount": {"type": "string", "format": "decimal", "example": "49.00"},
        "currency": {"type": "string", "example": "INR", "description": "ISO 4217"},
    },
    "required": ["amount", "currency"],
}


def money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency": currency}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field):
    """Reads ``source`` (an amount) and the object's ``currency`` attribute (or
    ``currency_source``), output only."""

    def __init__(self, *, currency_source: str = "currency", **kwargs: Any) -> None:
        self.currency_source = currency_source
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        amount = super().get_attribute(instance)
        currency: Any = instance
        for part in self.currency_source.split("."):
            currency = currency[part] if isinstance(currency, dict) else getattr(currency, part)
        return (amount, currency)

    def to_representation(self, value: Any) -> dict[str, str]:
        amount, currency = value
        return money(Decimal(amount), str(currency))
