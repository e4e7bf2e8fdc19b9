from datetime import datetime

from django import template

from kalpla.relative_time import ago as _ago
from kalpla.relative_time import since as _since

register = template.Library()


@register.filter
def ago(value: datetime | None) -> str:
    """``{{ created_at|ago }}``: "5 minutes ago" in the page's language."""
    return _ago(value)


@register.filter
def since(value: datetime | None) -> str:
    """``{{ viewed_at|since }}``: "5 minutes", for sentences that say "ago" themselves."""
    return _since(value) if value is not None else ""
