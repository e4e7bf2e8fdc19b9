import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_MAX_PIXELS = 4096 * 4096
AVATAR_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_avatar(file: UploadedFile) -> None:
    """Sniff the image itself (never the filename), bound its size and pixel count."""
    if file.size and file.size > AVATAR_MAX_BYTES:
        raise ValidationError(_("The image is larger than 2 MB."), code="file_too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            if image.format not in AVATAR_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="format")
            width, height = image.size
            if width * height > AVATAR_MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
            image.verify()
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(_("The file is not a valid image."), code="invalid_image") from exc
    finally:
        file.seek(position)
