"""Files: download links, direct uploads (start -> client uploads -> confirm).

Flow for an app::

    form = file_upload_start(user=u, kind="image", filename="a.png", content_type="image/png",
                             size=1234)
    # the client POSTs form.fields + the file (field "file", last) to form.url
    info = file_upload_confirm(user=u, key=form.key, kind="image")  # sniffed, else deleted
    url = file_upload_link(key=form.key)  # the owner's own link to it

On S3 the client uploads to S3 directly; locally it posts to files/views.py, which
calls file_upload_receive below.

Download links (``/files/d/<token>/``) never carry a storage path. The token is a signed
``(kind, object id, role)``. Each kind is a ``FileLinkKind`` of the app owning the files,
named in ``settings.KALPLA_FILE_LINK_KINDS`` (kind -> dotted path, imported when first used,
checked at start-up by ``files.E001``): its resolver finds the file *and checks the
requesting user's access* on every request through the link, so a link stops working when
its viewer loses access. On S3 the view then redirects to a short presigned GET.
"""

import functools
import logging
import posixpath
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from files.uploads import (
    EXTENSIONS,
    SNIFF_BYTES,
    UploadInfo,
    content_type_for_name,
    extension_for,
    kind_for_content_type,
    upload_kind,
    validate_declared_upload,
    validate_upload,
)
from kalpla.exceptions import ApplicationError, NotFound, PermissionDenied
from kalpla.integrations.s3 import (
    DownloadGrant,
    S3FileSigner,
    UploadForm,
    content_disposition,
    get_file_signer,
    read_upload_token,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
AnyUser = AbstractBaseUser | AnonymousUser


FILE_LINK_SALT = "kalpla.files.link"
# Served inline as what they are; anything else (HTML, SVG, XML, scripts...) could run on
# our origin, so it goes out as an opaque download.
INLINE_TYPES = frozenset(EXTENSIONS) | {"text/vtt", "text/csv", "application/json"}
TEXT_TYPES = ("text/plain", "text/vtt", "text/csv")
UPLOAD_LINK_KIND = "upload"
UPLOAD_LINK_SECONDS = 3600
# uploads/<kind>/<user id>/<random>.<ext>, as file_upload_start names them
_UPLOAD_KEY = re.compile(r"uploads/([a-z]+)/(\d+)/([0-9a-f]{32}\.[a-z0-9]+)")

FileLinkResolver = Callable[[str, str, AnyUser], DownloadGrant]


@dataclass(frozen=True)
class FileLinkKind:
    """What ``file_link_url(kind=...)`` links of one kind serve; an app owning files declares
    one at module level and names it in ``settings.KALPLA_FILE_LINK_KINDS``.

    ``resolve(object_id, role, user)`` runs on every request through such a link: it returns
    the file to serve to the requesting ``user`` (anonymous too) *now*, or raises
    ApplicationError (403 when access is gone, 404 when the object or file is). It is the
    access check, so keep it to a few queries. Links expire after ``max_age`` seconds.
    """

    resolve: FileLinkResolver
    max_age: int


def _link_kind(kind: str) -> FileLinkKind:
    """The FileLinkKind settings name for ``kind``; KeyError when none is."""
    return _file_link_kind_at(settings.KALPLA_FILE_LINK_KINDS[kind])


@functools.cache
def _file_link_kind_at(path: str) -> FileLinkKind:
    found = import_string(path)
    if not isinstance(found, FileLinkKind):
        raise ImproperlyConfigured(f"{path!r} (KALPLA_FILE_LINK_KINDS) is not a FileLinkKind.")
    return found


def file_link_url(*, kind: str, object_id: int | str, role: str = "") -> str:
    """The download link to ``role`` of ``object_id`` in a registered ``kind``.

    The token names the object, not where its file is stored, and binds nobody: whoever
    follows it is checked by the kind's resolver.
    """
    if kind not in settings.KALPLA_FILE_LINK_KINDS:
        raise ValueError(f"No file link kind {kind!r} is named in KALPLA_FILE_LINK_KINDS.")
    token = signing.TimestampSigner(salt=FILE_LINK_SALT).sign_object([kind, str(object_id), role])
    return reverse("files:download", kwargs={"token": token})


def file_link_grant(*, token: str, user: AnyUser | None) -> DownloadGrant:
    """What a ``file_link_url`` link serves to ``user``; ApplicationError when nothing.

    A forged, tampered or old-format token is 404 (as a link that never existed), an expired
    one 403 ``link_expired``; then the kind's resolver decides.
    """
    signer = signing.TimestampSigner(salt=FILE_LINK_SALT)
    try:
        kind, object_id, role = signer.unsign_object(token)
        link_kind = _link_kind(kind)
        signer.unsign_object(token, max_age=link_kind.max_age)
    except signing.SignatureExpired:
        raise PermissionDenied(_("This link has expired."), code="link_expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise file_not_found() from None
    return link_kind.resolve(str(object_id), str(role), user or AnonymousUser())


def file_not_found() -> NotFound:
    return NotFound(_("The file does not exist."))


def file_access_refused() -> PermissionDenied:
    return PermissionDenied(_("You do not have access to this file."))


def file_served_as(*, name: str, filename: str | None) -> tuple[str, str]:
    """The Content-Type and Content-Disposition to serve a stored file with.

    ``filename`` makes it an attachment. Types that could run on our origin always go out as
    ``application/octet-stream`` attachments, named ``filename`` or ``file.<ext>`` (never
    after the stored name).
    """
    content_type = content_type_for_name(name)
    disposition = content_disposition(filename)
    if content_type not in INLINE_TYPES and not content_type.startswith(("audio/", "video/")):
        content_type = "application/octet-stream"
        disposition = content_disposition(filename or f"file{_extension_of(name)}")
    if content_type in TEXT_TYPES:
        content_type += "; charset=utf-8"
    return content_type, disposition


def file_presigned_url(*, grant: DownloadGrant) -> str:
    """A short presigned S3 GET for what an access check granted (S3 deployments only)."""
    content_type, disposition = file_served_as(name=grant.name, filename=grant.filename)
    signer = S3FileSigner(bucket=settings.AWS_STORAGE_BUCKET_NAME)
    return signer.download_url(name=grant.name, content_type=content_type, disposition=disposition)


def file_upload_link(*, key: str) -> str:
    """The uploader's own link to a direct upload (``UploadForm.key``) not attached yet.

    Only the user who uploaded it can follow it: the resolver looks in that user's folder.
    """
    match = _UPLOAD_KEY.fullmatch(key)
    if match is None:
        raise ValueError(f"Not an upload key: {key!r}")
    return file_link_url(kind=UPLOAD_LINK_KIND, object_id=match[3], role=match[1])


def _own_upload(object_id: str, role: str, user: AnyUser) -> DownloadGrant:
    user_id = _user_id(user)
    name = f"uploads/{role}/{user_id}/{object_id}"
    if user_id is None or not _UPLOAD_KEY.fullmatch(name):
        raise file_not_found()
    return DownloadGrant(name=name, user_id=user_id)


# The uploader's own links to their direct uploads (KALPLA_FILE_LINK_KINDS["upload"]).
UPLOAD_LINK = FileLinkKind(resolve=_own_upload, max_age=UPLOAD_LINK_SECONDS)


def file_upload_start(
    *, user: AbstractBaseUser, kind: str, filename: str, content_type: str, size: int
) -> UploadForm:
    """Check what the client declares and hand it a form for exactly that upload."""
    content_type = validate_declared_upload(kind=kind, content_type=content_type, size=size)
    key = f"uploads/{kind}/{user.pk}/{uuid.uuid4().hex}{extension_for(content_type)}"
    logger.info("upload started: %s (%r, %d bytes) by user %s", key, filename, size, user.pk)
    return get_file_signer().upload_form(
        key=key, content_type=content_type, max_bytes=size, user_id=user.pk
    )


def file_upload_confirm(*, user: AbstractBaseUser, key: str, kind: str) -> UploadInfo:
    """Sniff what arrived under ``key``; delete it and raise ValidationError if refused."""
    upload = upload_kind(kind)
    if not re.fullmatch(rf"uploads/{kind}/{user.pk}/[0-9a-f]{{32}}\.[a-z0-9]+", key):
        raise PermissionDenied(_("This upload is not yours."), code="permission_denied")
    signer = get_file_signer()
    head_bytes = upload.limit if upload.reads_whole_file else SNIFF_BYTES
    try:
        stored = signer.open_head(name=key, max_bytes=head_bytes)
    except FileNotFoundError:
        raise ApplicationError(
            _("Nothing was uploaded under this key yet."), code="upload_missing"
        ) from None
    try:
        info = validate_upload(stored.file, kind=kind, size=stored.size)
        _check_matches(info, expected=_extension_of(key))
    except ValidationError:
        signer.delete(name=key)
        raise
    finally:
        stored.close()
    return info


def file_upload_receive(
    *, token: str, user: AnyUser, file: UploadedFile | None
) -> tuple[str, UploadInfo]:
    """The local stand-in for S3's presigned POST: enforce the signed terms, then store.

    Returns the key the file was stored under and what it is.
    """
    grant = _read(read_upload_token, token)
    _check_user(grant.user_id, user)
    if file is None:
        raise ValidationError(_("Send the file in the “file” field."), code="required")
    if (file.size or 0) > grant.max_bytes:
        raise ValidationError(
            _("The file is larger than the %(limit)d bytes announced."),
            code="file_too_large",
            params={"limit": grant.max_bytes},
        )
    kind = kind_for_content_type(grant.content_type)
    info = validate_upload(file, kind=kind.name)
    _check_matches(info, expected=extension_for(grant.content_type))
    storage = storages["default"]
    # A retried POST replaces the object, as on S3; the key is random and this user's.
    storage.delete(grant.key)
    saved = storage.save(grant.key, file)
    if saved != grant.key:  # a concurrent upload with the same token won the name
        storage.delete(saved)
        raise ApplicationError(_("This upload is already in progress."), code="conflict")
    return grant.key, info


def _read(reader: Callable[[str], T], token: str) -> T:
    try:
        return reader(token)
    except signing.SignatureExpired:
        raise PermissionDenied(_("This link has expired."), code="link_expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PermissionDenied(_("This link is not valid."), code="invalid_link") from None


def _check_user(signed_user_id: int | None, user: AnyUser | None) -> None:
    if signed_user_id is not None and _user_id(user) != signed_user_id:
        raise PermissionDenied(_("This link belongs to another account."), code="permission_denied")


def _check_matches(info: UploadInfo, *, expected: str) -> None:
    if info.extension != expected:
        raise ValidationError(
            _("The file's content (%(found)s) is not the type announced for this upload."),
            code="file_type",
            params={"found": info.content_type},
        )


def _user_id(user: AnyUser | None) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return None if user.pk is None else int(user.pk)


def _extension_of(key: str) -> str:
    return posixpath.splitext(key)[1]
