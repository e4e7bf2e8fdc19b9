"""Money in the API: ``{"amount": "49.00", "currency": "INR"}`` (API.md), one field for all.

total = MoneyField(amount="total", currency="currency")        # from the object itself
list_price = MoneyField(amount="list_price", currency="order.currency")
"""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.api.serializers import MoneyOut


def _dotted(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def money_data(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{Decimal(amount):.2f}", "currency": currency}


@extend_schema_field(MoneyOut)
class MoneyField(serializers.Field):
    """A read-only amount and its currency, read from the object by attribute paths."""

    def __init__(self, *, amount: str, currency: str = "currency", **kwargs: Any) -> None:
        self.amount_path, self.currency_path = amount, currency
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> dict[str, str]:
        return money_data(_dotted(value, self.amount_path), _dotted(value, self.currency_path))
