"""Every variable the settings read is documented in .env.example and the README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "kalpla" / "settings.py"
TEST_PLUGIN = ROOT / "kalpla" / "testing" / "plugin.py"
ENV_EXAMPLE = ROOT / ".env.example"
README = ROOT / "README.md"

# env("NAME", ...), env.str("NAME", ...), env.db_url(\n    "NAME", ...) and friends.
ENV_CALL = re.compile(r"""\benv(?:\.[a-z_]+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# os.environ["NAME"], os.environ.get("NAME"), os.environ.setdefault("NAME", ...), os.getenv("NAME")
OS_ENVIRON = re.compile(
    r"""\bos\.(?:environ(?:\.(?:get|setdefault|pop))?[\[(]|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def _settings_names() -> set[str]:
    return set(ENV_CALL.findall(SETTINGS.read_text()))


def _plugin_names() -> set[str]:
    return set(OS_ENVIRON.findall(TEST_PLUGIN.read_text()))


def test_env_example_settings_parser_finds_the_core_variables() -> None:
    names = _settings_names()
    for expected in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        assert expected in names


def test_env_example_lists_every_settings_variable() -> None:
    missing = sorted(_settings_names() - set(DOCUMENTED.findall(ENV_EXAMPLE.read_text())))
    assert not missing, f"add these to .env.example: {missing}"


def test_env_example_lists_every_test_harness_variable() -> None:
    missing = sorted(_plugin_names() - set(DOCUMENTED.findall(ENV_EXAMPLE.read_text())))
    assert not missing, f"add these to .env.example: {missing}"


def test_readme_documents_every_settings_variable() -> None:
    readme = README.read_text()
    missing = sorted(name for name in _settings_names() if f"`{name}`" not in readme)
    assert not missing, f"add these to the README's configuration table: {missing}"


def test_env_example_entries_are_commented_out() -> None:
    active = [
        line
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert not active, f".env.example should only hold commented-out examples: {active}"
