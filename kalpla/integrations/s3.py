"""Files: direct-upload forms and stored-object access, on S3 or on our own file views.

``get_file_signer()`` returns the S3 backend when ``AWS_STORAGE_BUCKET_NAME`` is set (the
same bucket django-storages uses for the default storage), else the local backend, whose
upload URLs point at files/views.py and are signed with Django's TimestampSigner.

Downloads are not signed here: people get opaque, access-checked links from
files/services.py (``file_link_url``); on S3 the view behind them answers with a
short presigned GET (``S3FileSigner.download_url``) once the check has passed.
"""

import functools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.core import signing
from django.core.files.storage import storages
from django.urls import reverse
from django.utils.http import content_disposition_header

from files.uploads import content_type_for_name
from kalpla.integrations.aws import aws_errors
from kalpla.integrations.aws import client as aws_client

UPLOAD_SALT = "kalpla.files.upload"
SSE = "AES256"
SPOOL_BYTES = 1024 * 1024


@dataclass(frozen=True)
class UploadForm:
    """POST ``fields`` then the file (as the last field, named ``file``) to ``url``."""

    url: str
    fields: dict[str, str]
    key: str


@dataclass
class StoredFile:
    """A stored object's size and type, and a file holding (at least) its first bytes."""

    size: int
    content_type: str
    file: IO[bytes] = field(repr=False)

    def close(self) -> None:
        self.file.close()


class FileSigner(Protocol):
    def upload_form(
        self,
        *,
        key: str,
        content_type: str,
        max_bytes: int,
        expires: int | None = None,
        user_id: int | None = None,
    ) -> UploadForm:
        """A direct-upload form accepting 1..max_bytes bytes of exactly ``content_type``."""
        ...

    def open_head(self, *, name: str, max_bytes: int) -> StoredFile:
        """Size, type and up to ``max_bytes`` first bytes; FileNotFoundError if missing."""
        ...

    def delete(self, *, name: str) -> None: ...


def get_file_signer() -> FileSigner:
    if settings.AWS_STORAGE_BUCKET_NAME:
        return S3FileSigner(bucket=settings.AWS_STORAGE_BUCKET_NAME)
    return LocalFileSigner()


def content_disposition(filename: str | None) -> str:
    """``attachment`` with the name when one is given (a download), else ``inline``."""
    return content_disposition_header(True, filename) if filename else "inline"


# --- S3 --------------------------------------------------------------------------------------


def s3_client() -> Any:
    """An S3 client with SigV4 (botocore still presigns with SigV2 in us-east-1 otherwise);
    cached per settings, since building clients is slow."""
    params = tuple(sorted(settings.AWS_CLIENT_PARAMS.items()))
    return _s3_client(params, settings.KALPLA_AWS_MAX_ATTEMPTS)


@functools.lru_cache(maxsize=4)
def _s3_client(params: tuple[tuple[str, str], ...], max_attempts: int) -> Any:
    return aws_client("s3", config=Config(signature_version="s3v4"), **dict(params))


class S3FileSigner:
    """Presigned URLs are bearer capabilities (``user_id`` cannot bind them): keep them short,
    and hand out GETs only after an access check (files/views.py)."""

    def __init__(self, *, bucket: str, client: Any = None) -> None:
        self.bucket = bucket
        self.client = client or s3_client()

    def download_url(
        self,
        *,
        name: str,
        filename: str | None = None,
        expires: int | None = None,
        content_type: str | None = None,
        disposition: str | None = None,
    ) -> str:
        """A short GET; ``filename`` makes it an attachment with that name. ``content_type``
        and ``disposition`` override what S3 would answer with (the object's metadata)."""
        params = {"Bucket": self.bucket, "Key": name}
        if disposition or filename:
            params["ResponseContentDisposition"] = disposition or content_disposition(filename)
        if content_type:
            params["ResponseContentType"] = content_type
        with aws_errors("S3 presign GET"):
            return str(
                self.client.generate_presigned_url(
                    "get_object",
                    Params=params,
                    ExpiresIn=expires or settings.KALPLA_DOWNLOAD_URL_EXPIRE,
                )
            )

    def upload_form(
        self,
        *,
        key: str,
        content_type: str,
        max_bytes: int,
        expires: int | None = None,
        user_id: int | None = None,
    ) -> UploadForm:
        fields = {"Content-Type": content_type, "x-amz-server-side-encryption": SSE}
        conditions: list[Any] = [
            {"Content-Type": content_type},
            ["content-length-range", 1, max_bytes],
            {"x-amz-server-side-encryption": SSE},
        ]
        with aws_errors("S3 presign POST"):
            post = self.client.generate_presigned_post(
                self.bucket,
                key,
                Fields=fields,
                Conditions=conditions,
                ExpiresIn=expires or settings.KALPLA_UPLOAD_URL_EXPIRE,
            )
        return UploadForm(url=post["url"], fields=dict(post["fields"]), key=key)

    def open_head(self, *, name: str, max_bytes: int) -> StoredFile:
        with aws_errors("S3 head_object"), _missing_as_not_found(name):
            head = self.client.head_object(Bucket=self.bucket, Key=name)
        size = int(head["ContentLength"])
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned
        if size:
            byte_range = f"bytes=0-{min(size, max_bytes) - 1}"
            with aws_errors("S3 get_object"), _missing_as_not_found(name):
                body = self.client.get_object(Bucket=self.bucket, Key=name, Range=byte_range)
                for chunk in body["Body"].iter_chunks(64 * 1024):
                    spool.write(chunk)
        spool.seek(0)
        return StoredFile(size=size, content_type=head.get("ContentType", ""), file=spool)

    def delete(self, *, name: str) -> None:
        with aws_errors("S3 delete_object"):
            self.client.delete_object(Bucket=self.bucket, Key=name)


@contextmanager
def _missing_as_not_found(name: str) -> Iterator[None]:
    """S3's 404 becomes FileNotFoundError (inside aws_errors, which would call it permanent)."""
    try:
        yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code", "") in ("404", "NoSuchKey", "NotFound"):
            raise FileNotFoundError(name) from exc
        raise


# --- local -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadGrant:
    """What a download link serves now: the stored ``name`` (never shown to anyone), and
    ``filename`` to make it an attachment with that name."""

    name: str
    filename: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class UploadGrant:
    key: str
    content_type: str
    max_bytes: int
    user_id: int | None


def _sign(salt: str, payload: dict[str, Any]) -> str:
    return signing.TimestampSigner(salt=salt).sign_object(payload, compress=True)


def _unsign(salt: str, token: str) -> dict[str, Any]:
    """Raises signing.BadSignature, or its subclass SignatureExpired past the token's life."""
    signer = signing.TimestampSigner(salt=salt)
    payload = signer.unsign_object(token)
    # Each token carries its own lifetime, so the age check needs the verified payload first.
    signer.unsign_object(token, max_age=int(payload["e"]))
    return dict(payload)


def read_upload_token(token: str) -> UploadGrant:
    payload = _unsign(UPLOAD_SALT, token)
    return UploadGrant(
        key=payload["k"],
        content_type=payload["t"],
        max_bytes=int(payload["m"]),
        user_id=payload.get("u"),
    )


class LocalFileSigner:
    """Upload URLs to files/views.py, bound to one user; files in default storage."""

    def upload_form(
        self,
        *,
        key: str,
        content_type: str,
        max_bytes: int,
        expires: int | None = None,
        user_id: int | None = None,
    ) -> UploadForm:
        expires = expires or settings.KALPLA_UPLOAD_URL_EXPIRE
        payload = {"k": key, "t": content_type, "m": max_bytes, "u": user_id, "e": expires}
        url = reverse("files:upload", kwargs={"token": _sign(UPLOAD_SALT, payload)})
        return UploadForm(url=url, fields={}, key=key)

    def open_head(self, *, name: str, max_bytes: int) -> StoredFile:
        storage = storages["default"]
        size = storage.size(name)
        return StoredFile(
            size=size, content_type=content_type_for_name(name), file=storage.open(name, "rb")
        )

    def delete(self, *, name: str) -> None:
        storages["default"].delete(name)
