"""Upload validation (files/uploads.py): sniffed types, size limits, bombs, SVG, empty files."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from files.tests.samples import (
    ELF,
    HTML,
    M4A,
    MOV,
    MP3,
    MP4,
    OGG,
    PDF,
    PE,
    SVG,
    SVG_WITH_PROLOG,
    WAV,
    WEBM,
    docx_bytes,
    image_bytes,
    png_bytes,
    zip_bytes,
)
from files.uploads import (
    DOCX,
    MB,
    content_type_for_name,
    kind_for_content_type,
    normalize_content_type,
    validate_declared_upload,
    validate_upload,
)


def upload(content: bytes, name: str = "file.bin", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refused_code(content: bytes, *, kind: str, name: str = "x.png") -> str:
    with pytest.raises(ValidationError) as info:
        validate_upload(upload(content, name), kind=kind)
    return str(info.value.code)


# --- accepted files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("PNG", "image/png", ".png"),
        ("JPEG", "image/jpeg", ".jpg"),
        ("WEBP", "image/webp", ".webp"),
        ("GIF", "image/gif", ".gif"),
    ],
)
def test_validate_upload_accepts_images_by_their_bytes(fmt, content_type, extension):
    content = image_bytes(fmt, (12, 7))
    # The name and the client's type lie; only the bytes count.
    info = validate_upload(upload(content, "photo.exe", "application/x-evil"), kind="image")
    assert (info.content_type, info.extension, info.size) == (content_type, extension, len(content))
    assert (info.width, info.height) == (12, 7)


@pytest.mark.parametrize(
    ("content", "kind", "content_type"),
    [
        (MP4, "video", "video/mp4"),
        (WEBM, "video", "video/webm"),
        (MOV, "video", "video/quicktime"),
        (MP3, "audio", "audio/mpeg"),
        (WAV, "audio", "audio/wav"),
        (OGG, "audio", "audio/ogg"),
        (M4A, "audio", "audio/mp4"),
        (WEBM, "audio", "audio/webm"),
        (PDF, "document", "application/pdf"),
        (docx_bytes(), "document", DOCX),
        (zip_bytes({"notes.txt": "hello"}), "document", "application/zip"),
        ("Notes: ünïcödé, emoji 🎓\n".encode(), "document", "text/plain"),
    ],
)
def test_validate_upload_sniffs_media_and_documents(content, kind, content_type):
    info = validate_upload(upload(content, "whatever.dat", "application/octet-stream"), kind=kind)
    assert info.content_type == content_type
    assert info.size == len(content)
    assert info.width is None and info.height is None


def test_validate_upload_restores_the_file_position():
    file = upload(png_bytes())
    file.seek(5)
    validate_upload(file, kind="avatar")
    assert file.tell() == 5


def test_validate_upload_judges_video_by_its_head_when_given_the_full_size():
    # What file_upload_confirm does on S3: only the first bytes are downloaded.
    info = validate_upload(io.BytesIO(MP4[:64]), kind="video", size=300 * MB)
    assert (info.content_type, info.size) == ("video/mp4", 300 * MB)


# --- wrong types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", [ELF, PE, HTML, PDF, MP4], ids=["elf", "pe", "html", "pdf", "mp4"]
)
def test_validate_upload_refuses_non_images_named_png(content):
    assert refused_code(content, kind="image", name="cat.png") == "file_type"


def test_validate_upload_refuses_a_png_as_video_and_an_executable_as_document():
    assert refused_code(png_bytes(), kind="video", name="clip.mp4") == "file_type"
    assert refused_code(ELF, kind="document", name="notes.txt") == "file_type"


@pytest.mark.parametrize(
    "content",
    ["café".encode("latin-1"), b"text with a \x00 NUL byte"],
    ids=["not-utf8", "nul-byte"],
)
def test_validate_upload_refuses_binary_posing_as_text(content):
    assert refused_code(content, kind="document", name="notes.txt") == "file_type"


def test_validate_upload_refuses_a_corrupt_image():
    content = bytearray(png_bytes((32, 32)))
    content[-20:-12] = b"\xff" * 8  # break the IDAT checksum
    assert refused_code(bytes(content), kind="image") == "file_type"


def test_validate_upload_error_message_names_what_is_accepted():
    with pytest.raises(ValidationError) as info:
        validate_upload(upload(HTML, "x.png"), kind="avatar")
    message = info.value.messages[0]
    assert "jpg" in message and "png" in message and "not accepted" in message


# --- sizes and pixels -----------------------------------------------------------------------


def test_validate_upload_refuses_oversize_files_before_reading_them():
    big = png_bytes() + b"\x00" * (2 * MB)
    assert refused_code(big, kind="avatar") == "file_too_large"
    assert validate_upload(upload(big), kind="image").content_type == "image/png"
    assert refused_code(PDF + b" " * (50 * MB), kind="document", name="a.pdf") == "file_too_large"


def test_validate_upload_video_limit_follows_the_setting(settings):
    settings.KALPLA_MAX_UPLOAD_BYTES = 100
    exactly = (MP4 + b"\x00" * 100)[:100]
    assert validate_upload(upload(exactly), kind="video").size == 100
    assert refused_code(exactly + b"\x00", kind="video") == "file_too_large"


def test_validate_upload_refuses_empty_files():
    assert refused_code(b"", kind="image") == "empty_file"
    assert refused_code(b"", kind="document", name="empty.txt") == "empty_file"


def test_validate_upload_refuses_a_decompression_bomb():
    # 20000 x 20000 one-bit pixels: 48 KB on disk, 400 megapixels (1.2 GB as RGB) decoded.
    bomb = image_bytes("PNG", (20000, 20000), mode="1")
    assert len(bomb) < 100_000
    assert refused_code(bomb, kind="image") == "image_too_large"


def test_validate_upload_refuses_images_pillow_would_only_warn_about():
    # 100 megapixels: above Pillow's warning threshold, below its hard error.
    assert refused_code(image_bytes("PNG", (10000, 10000), mode="1"), kind="image") == (
        "image_too_large"
    )


def test_validate_upload_applies_the_kinds_own_pixel_limit():
    content = image_bytes("PNG", (5000, 4000), mode="1")  # 20 MP: fine for images, not avatars
    assert validate_upload(upload(content), kind="image").width == 5000
    assert refused_code(content, kind="avatar") == "image_too_large"


# --- SVG ------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [SVG, SVG_WITH_PROLOG, b"\xef\xbb\xbf  " + SVG])
@pytest.mark.parametrize("kind", ["image", "avatar", "document"])
def test_validate_upload_refuses_svg_with_a_clear_message(content, kind):
    with pytest.raises(ValidationError) as info:
        validate_upload(upload(content, "logo.png"), kind=kind)
    assert info.value.code == "svg_refused"
    assert "SVG" in info.value.messages[0]


# --- declared uploads and helpers -----------------------------------------------------------


def test_validate_declared_upload_normalizes_and_checks_before_any_byte_arrives():
    assert validate_declared_upload(kind="image", content_type="Image/JPG", size=10) == (
        "image/jpeg"
    )
    assert validate_declared_upload(kind="audio", content_type="audio/x-m4a", size=10) == (
        "audio/mp4"
    )
    cases = [
        ({"kind": "image", "content_type": "image/svg+xml", "size": 10}, "svg_refused"),
        ({"kind": "image", "content_type": "text/html", "size": 10}, "file_type"),
        ({"kind": "avatar", "content_type": "image/png", "size": 3 * MB}, "file_too_large"),
        ({"kind": "document", "content_type": "text/plain", "size": 0}, "empty_file"),
        ({"kind": "spreadsheet", "content_type": "text/plain", "size": 1}, "invalid_kind"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ValidationError) as info:
            validate_declared_upload(**kwargs)
        assert info.value.code == code, kwargs


def test_content_type_helpers():
    assert normalize_content_type("text/plain; charset=UTF-8") == "text/plain"
    assert content_type_for_name("uploads/audio/1/ab.weba") == "audio/webm"
    assert content_type_for_name("uploads/x/1/ab.unknownext") == "application/octet-stream"
    assert kind_for_content_type("audio/webm").name == "audio"
    assert kind_for_content_type("video/webm").name == "video"
    with pytest.raises(ValidationError):
        kind_for_content_type("application/x-msdownload")


# --- the avatar moved onto the shared rules -------------------------------------------------


def test_validate_avatar_uses_the_shared_rules():
    from accounts.validators import validate_avatar

    validate_avatar(upload(png_bytes()))
    with pytest.raises(ValidationError) as info:
        validate_avatar(upload(SVG, "me.png"))
    assert info.value.code == "svg_refused"


def test_avatar_api_refuses_a_bomb_and_svg(student_api):
    for content in (image_bytes("PNG", (20000, 20000), mode="1"), SVG):
        response = student_api.patch(
            "/api/v1/me/", {"avatar": upload(content, "me.png")}, format="multipart"
        )
        assert response.status_code == 400
        assert "avatar" in response.json()["errors"]


def test_profile_form_refuses_an_svg_avatar_with_the_shared_message(client, student):
    client.force_login(student)
    response = client.post(
        "/account/profile/",
        {"name": "A", "timezone": "UTC", "language": "", "avatar": upload(SVG, "me.svg")},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["avatar"]
    assert errors
