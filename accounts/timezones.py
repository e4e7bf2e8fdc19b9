"""Time zone choices for people: grouped by region, labelled with the city and its UTC offset.

The values stay the IANA names (``timezone_names()``); only the labels and grouping are for
people. Offsets change with daylight saving time, so the choices are built at most once an
hour per process: building them loads every zone, which is too slow for each request.
"""

import time
import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.validators import timezone_names

REGIONS: dict[str, Promise] = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}
OTHER = _("UTC and other zones")

Choice = tuple[str, str]
GroupedChoices = tuple[tuple[Promise, tuple[Choice, ...]], ...]


def utc_offset_label(offset: timedelta) -> str:
    """``UTC+05:30``, ``UTC-03:00``, ``UTC+00:00`` (an ASCII minus, so people can type it)."""
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def zone_place(name: str) -> str:
    """The part people recognise: ``Asia/Kolkata`` -> ``Kolkata``.

    Deeper names read city first (``America/Argentina/Buenos_Aires`` -> ``Buenos Aires,
    Argentina``); names outside the regions keep their full name (``Etc/GMT+5``).
    """
    region, _sep, rest = name.partition("/")
    if region in REGIONS and rest:
        return ", ".join(reversed(rest.split("/"))).replace("_", " ")
    return name.replace("_", " ")


def zone_label(name: str, *, at: datetime) -> str:
    if name == "UTC":
        return "UTC"
    offset = at.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or timedelta(0)
    return f"{zone_place(name)} ({utc_offset_label(offset)})"


def timezone_choices() -> GroupedChoices:
    """Every known zone, one group per region, labels with the offset at the current hour."""
    return _timezone_choices_for_hour(int(time.time()) // 3600)


@lru_cache(maxsize=1)
def _timezone_choices_for_hour(hour: int) -> GroupedChoices:
    at = datetime.fromtimestamp(hour * 3600, tz=UTC)
    groups: dict[str, list[Choice]] = {region: [] for region in REGIONS}
    other: list[Choice] = []
    for name in timezone_names():
        region = name.partition("/")[0]
        bucket = groups[region] if region in groups and "/" in name else other
        bucket.append((name, zone_label(name, at=at)))
    for choices in groups.values():
        choices.sort(key=lambda choice: choice[1].casefold())
    # UTC first among the others: it is the default and the one people look for there.
    other.sort(key=lambda choice: (choice[0] != "UTC", choice[1].casefold()))
    return (
        *((REGIONS[region], tuple(choices)) for region, choices in groups.items()),
        (OTHER, tuple(other)),
    )
