"""Amounts in a currency's minor unit (paise, cents), as the gateways' APIs count them."""

from decimal import Decimal
from typing import Any

# Currencies counted in whole units (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
                "VND", "VUV", "XAF", "XOF", "XPF"}  # fmt: skip


def to_minor(amount: Decimal, currency: str) -> int:
    return int(amount if currency.upper() in ZERO_DECIMAL else amount * 100)


def from_minor(value: Any, currency: str) -> Decimal:
    whole = Decimal(value or 0)
    return whole if currency.upper() in ZERO_DECIMAL else (whole / 100).quantize(Decimal("0.01"))
