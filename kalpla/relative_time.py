"""Relative times ("5 minutes ago") in the active language.

Django's timesince/naturaltime have no Hindi translations, so Hindi pages showed English
units. This uses Django's timesince with its own unit names for the languages Django lacks;
other languages keep Django's. "%(when)s ago" is in Kalpla's catalogue.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _


class _Plural:
    """A unit for timesince's ``time_strings``: ``unit % {"num": n}`` picks the form."""

    def __init__(self, one: str, many: str) -> None:
        self.one, self.many = one, many

    def __mod__(self, values: dict[str, int]) -> str:
        return (self.one if values["num"] == 1 else self.many) % values


UNITS = {
    "hi": {
        "year": _Plural("%(num)d वर्ष", "%(num)d वर्ष"),
        "month": _Plural("%(num)d महीना", "%(num)d महीने"),
        "week": _Plural("%(num)d सप्ताह", "%(num)d सप्ताह"),
        "day": _Plural("%(num)d दिन", "%(num)d दिन"),
        "hour": _Plural("%(num)d घंटा", "%(num)d घंटे"),
        "minute": _Plural("%(num)d मिनट", "%(num)d मिनट"),
    },
}
JUST_NOW = {"hi": "अभी"}


def since(value: datetime, *, now: datetime | None = None) -> str:
    """ "5 minutes" (the largest unit) in the active language, for "… ago" sentences."""
    language = (get_language() or "en").split("-")[0]
    return timesince(value, now=now, depth=1, time_strings=UNITS.get(language))  # type: ignore[arg-type]


def ago(value: datetime | None, *, now: datetime | None = None) -> str:
    """ "5 minutes ago" (the largest unit only), "just now" under a minute, "" for None."""
    if value is None:
        return ""
    now = now or timezone.now()
    if (now - value).total_seconds() < 60:
        return JUST_NOW.get((get_language() or "en").split("-")[0]) or _("just now")
    return _("%(when)s ago") % {"when": since(value, now=now)}
