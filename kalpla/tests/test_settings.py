"""Production settings pass Django's deployment checklist; the embedded default needs nothing."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "p" * 20 + "-production-secret-" + "k" * 30,
    "DJANGO_ALLOWED_HOSTS": "kalpla.example.org",
    "DATABASE_URL": "postgres://kalpla@127.0.0.1:5432/kalpla",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # base64 of a 32-byte Ed25519 seed (a test value, never a real key)
    "KALPLA_BADGE_SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KALPLA_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean.pop("CELERY_BROKER_URL", None)
    clean.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_badge_signing_key_is_warned_what_to_set():
    env = {k: v for k, v in PRODUCTION.items() if k != "KALPLA_BADGE_SIGNING_KEY"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "assessments.W001" in result.stderr
    assert "Set KALPLA_BADGE_SIGNING_KEY" in result.stderr


def test_debug_off_requires_secret_key():
    result = _manage("check", env={"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "x.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_debug_off_requires_allowed_hosts():
    result = _manage("check", env={"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "s" * 50})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is required" in result.stderr


def test_embedded_default_uses_sqlite_memory_layers_and_eager_celery():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.CHANNEL_LAYERS['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.STORAGES['default']['BACKEND'], s.EMAIL_BACKEND)"
    )
    result = _manage("shell", "--no-imports", "-c", code, env={"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "channels.layers.InMemoryChannelLayer",
        "True",
        "django.core.files.storage.FileSystemStorage",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_production_switches_to_postgres_redis_s3_and_ses():
    env = {
        **PRODUCTION,
        "AWS_STORAGE_BUCKET_NAME": "kalpla-media",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
        "KALPLA_EMAIL_BACKEND": "ses",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS']['pool']['max_size'],"
        " s.CHANNEL_LAYERS['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['endpoint_url'],"
        " s.EMAIL_BACKEND, s.ANYMAIL['AMAZON_SES_CLIENT_PARAMS']['endpoint_url'])"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "20",  # a connection pool per process
        "kalpla.channel_layer.RedisChannelLayer",
        "False",
        "storages.backends.s3.S3Storage",
        "http://127.0.0.1:5000",
        "anymail.backends.amazon_ses.EmailBackend",
        "http://127.0.0.1:5000",
    ]


def test_invalid_backend_switch_is_refused():
    result = _manage("check", env={"DJANGO_DEBUG": "true", "KALPLA_AI_BACKEND": "magic"})
    assert result.returncode != 0
    assert "KALPLA_AI_BACKEND must be local or aws" in result.stderr


def test_collectstatic_produces_hashed_compressed_files(tmp_path):
    env = {**PRODUCTION, "KALPLA_STATIC_ROOT": str(tmp_path)}
    result = _manage("collectstatic", "--noinput", "-v", "0", env=env)
    assert result.returncode == 0, result.stderr
    css = [p.name for p in (tmp_path / "css").iterdir()]
    assert "kalpla.css" in css
    assert any(re.fullmatch(r"kalpla\.[0-9a-f]{12}\.css", name) for name in css)
    assert any(name.endswith(".css.gz") for name in css)
    assert (tmp_path / "staticfiles.json").is_file()


def test_without_the_pool_connections_persist_with_health_checks():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print('pool' in d.get('OPTIONS', {}), d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {**PRODUCTION, "DATABASE_POOL": "false", "DATABASE_CONN_MAX_AGE": "30"}
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "30", "True"]
