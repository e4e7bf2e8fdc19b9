"""`make run` serves on HOST:PORT; the links Kalpla sends out must point there too."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSED_THROUGH = ("KALPLA_SITE_URL", "KALPLA_WS_MAX_FRAME_BYTES")  # make run honours them


def _uvicorn_line(*args: str, env: dict[str, str] | None = None) -> str:
    """The command `make run` would start the server with (dry run: nothing is executed)."""
    base = {k: v for k, v in os.environ.items() if k not in PASSED_THROUGH}
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "-C", str(ROOT), "run", *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    lines = [line for line in result.stdout.splitlines() if "uvicorn kalpla.asgi" in line]
    assert len(lines) == 1, result.stdout
    return lines[0]


def test_make_run_site_url_follows_the_port() -> None:
    line = _uvicorn_line("PORT=9000")
    assert "KALPLA_SITE_URL=http://127.0.0.1:9000 " in line
    assert "--port 9000" in line


def test_make_run_site_url_follows_the_host() -> None:
    assert "KALPLA_SITE_URL=http://localhost:8001 " in _uvicorn_line("HOST=localhost", "PORT=8001")


def test_make_run_site_url_on_all_interfaces_names_the_loopback() -> None:
    # http://0.0.0.0:8000 is where the server listens, not an address to open in a mail.
    for host in ("0.0.0.0", "::"):
        assert "KALPLA_SITE_URL=http://127.0.0.1:8000 " in _uvicorn_line(f"HOST={host}")


def test_make_run_keeps_an_explicit_site_url() -> None:
    line = _uvicorn_line("PORT=9000", env={"KALPLA_SITE_URL": "https://kalpla.example"})
    assert "KALPLA_SITE_URL=https://kalpla.example " in line


def test_make_run_keeps_the_site_url_of_the_env_file(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("DJANGO_DEBUG=true\nKALPLA_SITE_URL=https://dev.kalpla.example\n")
    line = _uvicorn_line("PORT=9000", f"DOTENV={dotenv}")
    assert "KALPLA_SITE_URL=https://dev.kalpla.example " in line


def test_make_run_limits_websocket_messages_as_the_settings_do() -> None:
    line = _uvicorn_line()
    assert "KALPLA_WS_MAX_FRAME_BYTES=1048576 " in line  # kalpla/settings.py's default
    assert "--ws-max-size 1048576 " in line


def test_make_run_websocket_limit_follows_the_environment_and_the_env_file(tmp_path: Path) -> None:
    line = _uvicorn_line(env={"KALPLA_WS_MAX_FRAME_BYTES": "2097152"})
    assert "KALPLA_WS_MAX_FRAME_BYTES=2097152 " in line and "--ws-max-size 2097152 " in line
    dotenv = tmp_path / ".env"
    dotenv.write_text("KALPLA_WS_MAX_FRAME_BYTES=524288\n")
    line = _uvicorn_line(f"DOTENV={dotenv}")
    assert "KALPLA_WS_MAX_FRAME_BYTES=524288 " in line and "--ws-max-size 524288 " in line
