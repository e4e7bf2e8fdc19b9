"""Markdown written by mentors, rendered to HTML that is safe to show to everyone.

Markdown (Python-Markdown) turns text into HTML; nh3 (ammonia) then keeps only an allowlist of
tags and attributes, drops scripts, event handlers and ``javascript:`` URLs, and marks links
``rel="noopener noreferrer nofollow"``. Raw HTML inside the Markdown goes through the same
filter.
"""

import re
import threading

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]

# Text Markdown leaves as one paragraph as it is: ASCII letters, digits, single spaces inside,
# and , . ? ' (not an ordered list's "1." at the start). Most chat messages are such text.
_PLAIN = re.compile(r"(?![0-9]+\.)[A-Za-z0-9,.?'](?: ?[A-Za-z0-9,.?'])*")

# One converter per thread, reset before each text: building one loads its extensions, which
# cost more than converting a chat message (Python-Markdown's converters are not thread-safe).
_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(
            extensions=EXTENSIONS, output_format="html"
        )
    return converter.reset()


def render_markdown(text: str, *, min_heading: int = 2) -> SafeString:
    """HTML for ``text``. Headings above ``min_heading`` are lowered to it (h1 becomes h2 by
    default, because the page owns its h1; a description under an h2 section passes 3)."""
    if not text or not text.strip():
        return mark_safe("")
    if _PLAIN.fullmatch(text):  # the converter's and the sanitiser's answer, without them
        return mark_safe(f"<p>{text}</p>")  # noqa: S308 - letters, digits and , . ? ' only
    html = _converter().convert(text)
    for level in range(1, min(max(min_heading, 1), 6)):
        html = html.replace(f"<h{level}>", f"<h{min_heading}>")
        html = html.replace(f"</h{level}>", f"</h{min_heading}>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 above
