"""The Hindi catalog is complete, compiled, and actually served.

The .po is parsed here with a small reader (no polib): the checks must run wherever the
test suite runs, with only the standard library.
"""

import gettext
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "hi" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# Strings from the catalog that the pages below must show in Hindi.
# The home page's call to action (its hero text is new and waits for its Hindi translation).
HI_HERO = "मुफ़्त खाता बनाएँ"
HI_LOGIN_INTRO = "फिर से स्वागत है। अपने कोर्स वहीं से जारी रखें जहाँ आपने छोड़ा था।"
HI_SIGN_IN = "साइन इन"
HI_STUDENT = "आपने विद्यार्थी के रूप में साइन इन किया है: वहीं से जारी रखें जहाँ आपने छोड़ा था।"
EN_HERO = "Create a free account"
EN_STUDENT = "You are signed in as a student: pick up where you left off."

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$')
_CONTINUATION = re.compile(r'^"(.*)"$')


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Return the live entries of a .po file (header included, obsolete #~ entries skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if m := _KEYWORD.match(line):
            keyword, index, value = m.group(1), m.group(2), _unescape(m.group(3))
            if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
                finish()
            if current is None:
                current, flags = Entry(flags=flags, line=number), set()
            if keyword == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], target = value, ("msgstr", slot)
            continue
        if (m := _CONTINUATION.match(line)) and current is not None and target is not None:
            value = _unescape(m.group(1))
            name, slot = target
            if name == "msgstr":
                current.msgstr[slot] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    entries = parse_po(PO_PATH)
    assert entries, f"{PO_PATH} has no entries"
    return entries


@pytest.fixture(scope="module")
def messages(po_entries: list[Entry]) -> list[Entry]:
    """The translatable entries: everything but the header."""
    found = [e for e in po_entries if e.msgid or e.msgctxt is not None]
    assert len(found) > 100, "the catalog looks truncated"
    return found


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    """Requests activate Hindi in this thread; do not leak it into later tests."""
    language = translation.get_language()
    yield
    if language:
        translation.activate(language)
    else:
        translation.deactivate()


# (a) The catalog is complete.


def test_po_header_declares_hindi(po_entries: list[Entry]) -> None:
    header = next(e for e in po_entries if not e.msgid and e.msgctxt is None)
    assert "fuzzy" not in header.flags
    assert "Language: hi\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_every_entry_is_translated(messages: list[Entry]) -> None:
    untranslated = [e.label for e in messages if not all(e.msgstr.values())]
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_no_entry_is_fuzzy(po_entries: list[Entry]) -> None:
    fuzzy = [e.label for e in po_entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"


def test_translations_keep_placeholders_and_markup(messages: list[Entry]) -> None:
    tokens = re.compile(r"%\(\w+\)[sdif]|\{\w*\}|<[^>]+>|&\w+;")
    # Plural forms (msgstr[1] and up) follow msgid_plural, which may add a count placeholder.
    broken = [
        e.label
        for e in messages
        for index, text in e.msgstr.items()
        if sorted(tokens.findall(text))
        != sorted(tokens.findall(e.msgid_plural if index and e.msgid_plural else e.msgid))
    ]
    assert not broken, f"placeholders or markup differ: {broken}"


def test_translations_are_devanagari(messages: list[Entry]) -> None:
    # Entries that are only names, codes or symbols ("API", "SMS") may stay as they are;
    # anything with real English words must have been translated.
    latin_words = re.compile(r"[A-Za-z]{3,}")
    devanagari = re.compile(r"[\u0900-\u097F]")
    untranslated_looking = [
        e.label
        for e in messages
        if latin_words.search(e.msgid) and len(e.msgid.split()) > 1
        for text in e.msgstr.values()
        if not devanagari.search(text)
    ]
    assert not untranslated_looking, f"not in Hindi: {untranslated_looking}"


# (b) The compiled .mo matches the .po.


def test_mo_is_compiled_from_current_po(messages: list[Entry]) -> None:
    assert MO_PATH.exists(), "run: manage.py compilemessages -l hi"
    with MO_PATH.open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)._catalog

    expected: dict[object, str] = {}
    for e in messages:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            expected[key] = e.msgstr[0]
        else:
            expected.update({(key, n): text for n, text in e.msgstr.items()})

    compiled = {k: v for k, v in catalog.items() if k != ""}
    stale = sorted(str(k) for k, v in expected.items() if compiled.get(k) != v)
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    assert not stale, f"django.mo is older than django.po for: {stale}"
    assert not extra, f"django.mo has entries no longer in django.po: {extra}"


def test_django_serves_the_catalog(messages: list[Entry]) -> None:
    plain = [e for e in messages if e.msgctxt is None and e.msgid_plural is None]
    with translation.override("hi"):
        wrong = [e.label for e in plain if translation.gettext(e.msgid) != e.msgstr[0]]
    assert not wrong, f"Django does not return the .po translation for: {wrong}"


# (c) Anonymous pages follow Accept-Language.


@pytest.mark.django_db
def test_anonymous_home_in_hindi(client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert HI_HERO in html
    assert EN_HERO not in html
    assert response["Content-Language"] == "hi"


@pytest.mark.django_db
def test_anonymous_home_in_english(client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert EN_HERO in html
    assert HI_HERO not in html


@pytest.mark.django_db
def test_login_page_in_hindi(client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert HI_LOGIN_INTRO in html
    assert HI_SIGN_IN in html
    assert "Welcome back. Pick up your courses" not in html


# (d) A signed-in user's saved language wins over the browser; empty follows it.


@pytest.mark.django_db
def test_saved_language_beats_browser(client, student) -> None:
    student.language = "hi"
    student.save(update_fields=["language"])
    client.force_login(student)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="hi">' in html
    assert HI_STUDENT in html
    assert EN_STUDENT not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("browser", "expected", "absent"),
    [("hi", HI_STUDENT, EN_STUDENT), ("en", EN_STUDENT, HI_STUDENT)],
)
def test_empty_language_follows_browser(client, student, browser, expected, absent) -> None:
    assert student.language == ""
    client.force_login(student)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=browser).content.decode()
    assert f'<html lang="{browser}">' in html
    assert expected in html
    assert absent not in html
