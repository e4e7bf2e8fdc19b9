"""Files: download links, direct uploads (start -> client uploads -> confirm).

Flow for an app::

    form = file_upload_start(user=u, kind="image", filename="a.png", content_type="image/png",
                             size=1234)
    # the client POSTs form.fields + the file (field "file", last) to form.url
    info = file_upload_confirm(user=u, key=form.key, kind="image")  # sniffed, else deleted
    url = file_download_url(name=form.key, user=u)

On S3 the client talks to S3 directly; locally it talks to kalpla/file_views.py, which calls
file_upload_receive / file_download_grant below.
"""

import logging
import posixpath
import re
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from kalpla.exceptions import ApplicationError, PermissionDenied
from kalpla.integrations.s3 import (
    DownloadGrant,
    UploadForm,
    get_file_signer,
    read_download_token,
    read_upload_token,
)
from kalpla.uploads import (
    SNIFF_BYTES,
    UploadInfo,
    extension_for,
    kind_for_content_type,
    upload_kind,
    validate_declared_upload,
    validate_upload,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
AnyUser = AbstractBaseUser | AnonymousUser


def file_download_url(
    *,
    name: str,
    user: AnyUser | None = None,
    filename: str | None = None,
    expires: int | None = None,
) -> str:
    """A short-lived URL for a private file; ``filename`` makes it a download with that name.

    With ``user`` the local link works only for that user (S3 links are bearer links).
    """
    return get_file_signer().download_url(
        name=name, filename=filename, expires=expires, user_id=_user_id(user)
    )


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


def file_download_grant(*, token: str, user: AnyUser | None) -> DownloadGrant:
    """What a local download link allows (kalpla/file_views.py); ApplicationError if nothing."""
    grant = _read(read_download_token, token)
    _check_user(grant.user_id, user)
    return grant


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
