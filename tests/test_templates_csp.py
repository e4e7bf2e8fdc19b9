"""The Content Security Policy allows no inline script: no template may rely on it."""

import re
from pathlib import Path

from django.conf import settings

# an HTML attribute such as onclick="..." or onsubmit='...' (the browser refuses to run it)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>\s*\S", re.IGNORECASE)


def _templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return list(root.glob("templates/**/*.html")) + [
        p for p in root.glob("*/templates/**/*.html") if ".venv" not in p.parts
    ]


def test_no_template_uses_inline_event_handlers():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in _templates()
        for text in [path.read_text()]
        for m in INLINE_HANDLER.finditer(text)
    ]
    assert found == [], "use data-confirm or a script in static/js instead: " + ", ".join(found)


def test_no_template_has_inline_script():
    found = [
        str(path.relative_to(settings.BASE_DIR))
        for path in _templates()
        if INLINE_SCRIPT.search(path.read_text())
    ]
    assert found == []
