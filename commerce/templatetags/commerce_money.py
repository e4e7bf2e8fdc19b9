"""``{% money amount currency %}``: an amount as people read it (₹1,180, $49.50)."""

from decimal import Decimal

from django import template

from courses.selectors.catalogue import CURRENCY_SYMBOLS

register = template.Library()


def money_label(amount: Decimal, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = f"{Decimal(amount):,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


@register.simple_tag
def money(amount: Decimal, currency: str) -> str:
    return money_label(amount, currency)
