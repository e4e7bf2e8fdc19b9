"""Upload validation shared by every upload path (avatars, course media, attachments).

The type is sniffed from the file's bytes (``filetype`` magic numbers, Pillow for images):
never from the filename or the client's Content-Type. Each kind has its accepted types and a
size limit; images also have a pixel limit so a small file cannot decompress into gigabytes.
SVG is refused everywhere because it can carry script that runs on our origin.

Error codes (ValidationError.code): ``file_type``, ``file_too_large``, ``image_too_large``,
``svg_refused``, ``empty_file``, ``invalid_kind``.
"""

import codecs
import mimetypes
import posixpath
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

MB = 1024 * 1024
SNIFF_BYTES = 8192  # what filetype reads; also enough for every signature we accept
CHUNK_BYTES = 64 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TEXT = "text/plain"

# The content type we record for each accepted type, and the extension stored names get.
EXTENSIONS: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/ogg": ".ogg",
    "audio/webm": ".weba",
    "audio/mp4": ".m4a",
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    TEXT: ".txt",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
}

# Names clients use for the same types.
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/apng": "image/png",
    "audio/mp3": "audio/mpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/x-m4a": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "application/x-zip-compressed": "application/zip",
}

SVG_TYPES = {"image/svg+xml", "image/svg"}
PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}

_IMAGE: dict[str | None, str] = {
    "image/jpeg": "image/jpeg",
    "image/png": "image/png",
    "image/apng": "image/png",
    "image/webp": "image/webp",
    "image/gif": "image/gif",
}


@dataclass(frozen=True)
class UploadKind:
    """``types`` maps what filetype sniffs to the content type we record (None: text)."""

    name: str
    types: Mapping[str | None, str]
    max_bytes: int | None  # None: settings.KALPLA_MAX_UPLOAD_BYTES
    max_pixels: int = 0  # images only
    content_types: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_types", frozenset(self.types.values()))

    @property
    def limit(self) -> int:
        return self.max_bytes or settings.KALPLA_MAX_UPLOAD_BYTES

    @property
    def is_image(self) -> bool:
        return self.max_pixels > 0

    @property
    def reads_whole_file(self) -> bool:
        """Images are verified and text is decoded in full; other kinds need only the head."""
        return self.is_image or TEXT in self.content_types


UPLOAD_KINDS: dict[str, UploadKind] = {
    kind.name: kind
    for kind in (
        UploadKind("image", _IMAGE, 10 * MB, max_pixels=40_000_000),
        UploadKind("avatar", _IMAGE, 2 * MB, max_pixels=4096 * 4096),
        UploadKind(
            "video",
            {
                "video/mp4": "video/mp4",
                "video/webm": "video/webm",
                "video/quicktime": "video/quicktime",
            },
            None,
        ),
        UploadKind(
            "audio",
            {
                "audio/mpeg": "audio/mpeg",
                "audio/x-wav": "audio/wav",
                "audio/ogg": "audio/ogg",
                "audio/mp4": "audio/mp4",
                # filetype names containers, not tracks: WebM and MP4 audio sniff as video.
                "video/webm": "audio/webm",
                "video/mp4": "audio/mp4",
            },
            200 * MB,
        ),
        UploadKind(
            "document",
            {
                "application/pdf": "application/pdf",
                "application/zip": "application/zip",
                DOCX: DOCX,
                XLSX: XLSX,
                PPTX: PPTX,
                None: TEXT,
            },
            50 * MB,
        ),
    )
}


@dataclass(frozen=True)
class UploadInfo:
    content_type: str
    extension: str  # with the dot, e.g. ".png"; from the sniffed type, never the filename
    size: int
    width: int | None = None
    height: int | None = None


def upload_kind(name: str) -> UploadKind:
    try:
        return UPLOAD_KINDS[name]
    except KeyError:
        raise ValidationError(
            _("Unknown upload kind “%(kind)s”."), code="invalid_kind", params={"kind": name}
        ) from None


def normalize_content_type(value: str) -> str:
    """``"Image/JPG; charset=x"`` -> ``"image/jpeg"``."""
    base = value.split(";", 1)[0].strip().lower()
    return ALIASES.get(base, base)


def extension_for(content_type: str) -> str:
    return EXTENSIONS[normalize_content_type(content_type)]


def content_type_for_name(name: str) -> str:
    """The content type to serve a stored file with, from the extension we gave it."""
    extension = posixpath.splitext(name)[1].lower()
    for content_type, known in EXTENSIONS.items():
        if known == extension:
            return content_type
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def kind_for_content_type(content_type: str) -> UploadKind:
    """The first kind accepting this type (avatars validate as images; callers cap size)."""
    content_type = normalize_content_type(content_type)
    for kind in UPLOAD_KINDS.values():
        if content_type in kind.content_types:
            return kind
    raise _type_error(content_type, UPLOAD_KINDS["document"])


def validate_declared_upload(*, kind: str, content_type: str, size: int) -> str:
    """Check what a client says it will upload, before it does; returns the content type.

    The bytes are still sniffed when they arrive: this only fails early and cheaply.
    """
    upload = upload_kind(kind)
    content_type = normalize_content_type(content_type)
    if content_type in SVG_TYPES:
        raise _svg_error()
    if content_type not in upload.content_types:
        raise _type_error(content_type, upload)
    _check_size(size, upload)
    return content_type


def validate_upload(file: Any, *, kind: str, size: int | None = None) -> UploadInfo:
    """Sniff, bound and (for images) verify ``file``; raise ValidationError when refused.

    ``file`` is any readable, seekable file object (UploadedFile, FieldFile, storage file).
    Pass ``size`` when ``file`` holds only the first bytes of a larger object: enough for
    video and audio, which are judged by their head (``UploadKind.reads_whole_file``).
    The file position is restored afterwards.
    """
    upload = upload_kind(kind)
    position = file.tell()
    try:
        total = _file_size(file) if size is None else size
        _check_size(total, upload)
        file.seek(0)
        head = file.read(SNIFF_BYTES)
        content_type = _sniff(head, file, upload)
        width = height = None
        if upload.is_image:
            width, height = _check_image(file, upload, content_type)
        return UploadInfo(content_type, EXTENSIONS[content_type], total, width, height)
    finally:
        file.seek(position)


def _file_size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    file.seek(0, 2)
    return int(file.tell())


def _check_size(size: int, upload: UploadKind) -> None:
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty_file")
    if size > upload.limit:
        raise ValidationError(
            _("The file is larger than %(limit)s."),
            code="file_too_large",
            params={"limit": filesizeformat(upload.limit)},
        )


def _sniff(head: bytes, file: IO[bytes], upload: UploadKind) -> str:
    if _looks_like_svg(head):
        raise _svg_error()
    guessed = filetype.guess_mime(head)
    if guessed is None and None in upload.types and _is_utf8_text(file):
        return upload.types[None]
    if guessed is not None and guessed in upload.types:
        return upload.types[guessed]
    raise _type_error(guessed or "unknown", upload)


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg"):
        return True
    return text.startswith((b"<?xml", b"<!doctype svg", b"<!--")) and b"<svg" in text


def _is_utf8_text(file: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    file.seek(0)
    try:
        while chunk := file.read(CHUNK_BYTES):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _check_image(file: IO[bytes], upload: UploadKind, content_type: str) -> tuple[int, int]:
    too_large = ValidationError(
        _("The image has too many pixels (limit %(limit)s megapixels)."),
        code="image_too_large",
        params={"limit": upload.max_pixels // 1_000_000},
    )
    file.seek(0)
    try:
        # Our own cap (below Pillow's MAX_IMAGE_PIXELS) is the real guard; Pillow's bomb
        # warning is made an error too so nothing between its two thresholds slips by.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=list(PIL_FORMATS)) as image:
                width, height = image.size
                if width * height > upload.max_pixels:
                    raise too_large
                if PIL_FORMATS.get(image.format or "") != content_type:
                    raise _type_error(content_type, upload)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(_("The file is not a valid image."), code="file_type") from exc
    return width, height


def _type_error(found: str, upload: UploadKind) -> ValidationError:
    accepted = ", ".join(sorted(EXTENSIONS[t].lstrip(".") for t in upload.content_types))
    return ValidationError(
        _("This type of file (%(found)s) is not accepted here. Accepted: %(accepted)s."),
        code="file_type",
        params={"found": found, "accepted": accepted},
    )


def _svg_error() -> ValidationError:
    return ValidationError(
        _("SVG images are not accepted because they can contain scripts. Upload a PNG instead."),
        code="svg_refused",
    )
