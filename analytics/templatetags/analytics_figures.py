"""``{{ value|figure:unit }}`` and ``{{ delta|delta_text }}`` for the dashboards' headlines."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from analytics.tables_rollups import display

register = template.Library()

UNIT_KINDS = {"ratio": "ratio", "seconds": "seconds", "stars": "float"}


@register.filter
def figure(value: Any, unit: str = "") -> str:
    kind = UNIT_KINDS.get(unit) or ("int" if isinstance(value, int) else "float")
    return display(value, kind)


@register.filter
def delta_text(delta: float | None) -> str:
    """ "+12.5%" / "-3.0%" / "no change"; empty when there is nothing to compare with."""
    if delta is None:
        return ""
    if delta == 0:
        return _("no change")
    return f"+{delta:.1f}%" if delta > 0 else f"\u2212{abs(delta):.1f}%"


@register.filter
def delta_class(delta: float | None) -> str:
    if not delta:
        return "delta--flat"
    return "delta--up" if delta > 0 else "delta--down"
