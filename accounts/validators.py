import zoneinfo
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from files.uploads import validate_upload


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_avatar(file: Any) -> None:
    """The shared upload rules for avatars (files.uploads): sniffed image, 2 MB, pixel cap."""
    if getattr(file, "_committed", False):
        # A FieldFile already in storage was validated when it was uploaded; full_clean()
        # on a profile save would otherwise download the stored avatar every time.
        return
    validate_upload(file, kind="avatar")
