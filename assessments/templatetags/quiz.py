"""Template helpers of the quiz pages."""

import zoneinfo
from datetime import datetime

from django import template
from django.utils.safestring import SafeString

from courses.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text or "", min_heading=3)


@register.filter
def in_zone(value: datetime | None, zone: str) -> datetime | None:
    """A date in the course's time zone (quiz dates are set and shown in it)."""
    if value is None:
        return None
    try:
        return value.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return value


@register.filter
def minutes(seconds: int) -> int:
    return (int(seconds or 0) + 59) // 60


@register.filter
def get(mapping: dict, key: object) -> object:
    return mapping.get(str(key)) if isinstance(mapping, dict) else None


@register.filter
def rank_of(response: list | None, item_id: str) -> int | None:
    """An ordering item's place in the saved answer (1-based)."""
    if isinstance(response, list) and item_id in response:
        return response.index(item_id) + 1
    return None
