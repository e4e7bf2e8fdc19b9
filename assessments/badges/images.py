"""Badge images: an upload (already checked by the upload layer) is made a square PNG (what
Open Badges and social sites expect, with no metadata carried over), and a badge without one
gets a generated PNG: a medal in the site's accent colour with the badge's initials."""

import io
from typing import IO

from PIL import Image, ImageDraw, ImageFont, ImageOps

SIZE = 512
ACCENT = (79, 70, 229)  # --accent in static/css/kalpla.css
ACCENT_STRONG = (67, 56, 202)
RIBBON = (199, 210, 254)


def image_as_png(file: IO[bytes]) -> bytes:
    """``file`` (a checked image) fitted into a transparent SIZE x SIZE square, as PNG."""
    with Image.open(file) as source:
        source.seek(0)  # the first frame of an animation
        picture = ImageOps.exif_transpose(source).convert("RGBA")
    picture.thumbnail((SIZE, SIZE))
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    canvas.paste(picture, ((SIZE - picture.width) // 2, (SIZE - picture.height) // 2), picture)
    return _png(canvas)


def initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isalnum()]
    words = [w for w in words if w[0].isupper()] or words  # "Git and GitHub": GG
    return "".join(w[0] for w in words[:2]).upper() or "B"


def default_image(name: str) -> bytes:
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    # two ribbon tails behind the medal
    draw.polygon([(170, 300), (240, 300), (210, 500), (170, 460), (130, 490)], fill=RIBBON)
    draw.polygon([(272, 300), (342, 300), (382, 490), (342, 460), (302, 500)], fill=RIBBON)
    draw.ellipse((56, 16, 456, 416), fill=ACCENT_STRONG)
    draw.ellipse((80, 40, 432, 392), fill=ACCENT)
    draw.ellipse((96, 56, 416, 376), outline=(255, 255, 255, 140), width=4)
    text = initials(name)
    font = ImageFont.load_default(size=150 if len(text) < 2 else 128)
    draw.text((256, 216), text, font=font, fill=(255, 255, 255), anchor="mm")
    return _png(canvas)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
