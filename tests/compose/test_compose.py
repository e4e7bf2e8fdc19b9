"""docker-compose.yml checked without a Docker engine.

The file is validated against the Compose Specification's JSON schema, vendored verbatim as
compose-spec.json from compose-spec/compose-spec (schema/compose-spec.json, commit
00655e2222608fa6eaecdf12ac5195889ca2244a), then against the promises the README makes about
the stack: health checks, start order, a published web port and documented environment
variables.
"""

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")
ENV_EXAMPLE = ROOT / ".env.example"

APP_SERVICES = ("web", "worker", "beat")
ONE_SHOT_RESTART = ("no", None)

# ${NAME}, ${NAME:-default}, ${NAME:?error}, $NAME; "$$" is a literal dollar for the container.
INTERPOLATION = re.compile(r"(?<!\$)\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _is_one_shot(service: dict[str, Any], services: dict[str, dict[str, Any]], name: str) -> bool:
    """A one-shot service runs to completion and others wait for it to finish."""
    awaited = any(
        isinstance(other.get("depends_on"), dict)
        and other["depends_on"].get(name, {}).get("condition") == "service_completed_successfully"
        for other in services.values()
    )
    return awaited and service.get("restart") in ONE_SHOT_RESTART


def _environment_names(environment: Any) -> set[str]:
    if isinstance(environment, dict):
        return set(environment)
    if isinstance(environment, list):
        return {item.split("=", 1)[0] for item in environment}
    return set()


def _env_example_names() -> set[str]:
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text()))


def test_compose_schema_is_the_compose_specification() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] == "Compose Specification"
    assert "service" in schema["definitions"]


def test_compose_file_validates_against_the_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )


def test_compose_has_the_whole_stack(services: dict[str, dict[str, Any]]) -> None:
    assert {"web", "worker", "beat", "postgres", "redis", "moto"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["moto"]["image"].startswith("motoserver/moto")


def test_compose_every_long_running_service_has_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    missing = [
        name
        for name, service in services.items()
        if not _is_one_shot(service, services, name)
        and (not service.get("healthcheck") or service["healthcheck"].get("disable"))
    ]
    assert not missing, f"services without a healthcheck: {missing}"


def test_compose_app_services_wait_for_healthy_postgres_and_redis(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in APP_SERVICES:
        depends_on = services[name].get("depends_on")
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency in ("postgres", "redis"):
            assert depends_on.get(dependency, {}).get("condition") == "service_healthy", (
                f"{name} must wait for {dependency} to be healthy"
            )


def test_compose_conditions_point_at_services_that_can_meet_them(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        depends_on = service.get("depends_on") or {}
        for dependency, spec in depends_on.items():
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            assert dependency != name, f"{name} depends on itself"
            if spec.get("condition") == "service_healthy":
                assert services[dependency].get("healthcheck"), (
                    f"{name} waits for {dependency} to be healthy, but it has no healthcheck"
                )


def test_compose_web_serves_asgi_on_a_published_port(services: dict[str, dict[str, Any]]) -> None:
    web = services["web"]
    assert web.get("ports"), "web must publish a port"
    command = web["command"]
    command_text = command if isinstance(command, str) else " ".join(command)
    assert "uvicorn" in command_text
    assert "kalpla.asgi:application" in command_text
    healthcheck = web["healthcheck"]["test"]
    assert "/readyz" in (healthcheck if isinstance(healthcheck, str) else " ".join(healthcheck))


def test_compose_worker_and_beat_run_celery(services: dict[str, dict[str, Any]]) -> None:
    def text(command: Any) -> str:
        return command if isinstance(command, str) else " ".join(command)

    assert "celery -A kalpla worker" in text(services["worker"]["command"])
    beat = text(services["beat"]["command"])
    assert "celery -A kalpla beat" in beat
    assert "django_celery_beat.schedulers:DatabaseScheduler" in beat


def test_compose_app_services_run_production_settings(services: dict[str, dict[str, Any]]) -> None:
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert str(environment["DJANGO_DEBUG"]).lower() == "false"
        assert environment["DATABASE_URL"] == "postgres://kalpla:kalpla@postgres:5432/kalpla"
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/1"
        assert environment["AWS_ENDPOINT_URL"] == "http://moto:5000"
        assert environment["KALPLA_EMAIL_BACKEND"] == "ses"
        for switch in ("KALPLA_AI_BACKEND", "KALPLA_MESSAGING_BACKEND", "KALPLA_MEETINGS_BACKEND"):
            assert environment[switch] == "aws"


def test_compose_environment_names_are_documented_in_env_example(
    services: dict[str, dict[str, Any]],
) -> None:
    used: set[str] = set()
    for service in services.values():
        used |= _environment_names(service.get("environment"))
    used |= set(INTERPOLATION.findall(COMPOSE_FILE.read_text()))
    missing = sorted(used - _env_example_names())
    assert not missing, f"add these to .env.example: {missing}"


WS_LIMIT = "${KALPLA_WS_MAX_FRAME_BYTES:-1048576}"  # kalpla/settings.py's default: 1 MiB


def test_compose_web_limits_websocket_messages_with_the_settings_variable(
    services: dict[str, dict[str, Any]],
) -> None:
    # uvicorn refuses (1009) exactly the messages the settings tell consumers to expect.
    assert f"--ws-max-size={WS_LIMIT}" in services["web"]["command"]
    for name in APP_SERVICES:
        assert services[name]["environment"]["KALPLA_WS_MAX_FRAME_BYTES"] == WS_LIMIT


def test_dockerfile_limits_websocket_messages_with_the_settings_variable() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "ENV KALPLA_WS_MAX_FRAME_BYTES=1048576" in dockerfile
    [cmd] = [line for line in dockerfile.splitlines() if line.startswith("CMD ")]
    command = json.loads(cmd.removeprefix("CMD "))
    assert command[:2] == ["sh", "-c"]
    assert command[2].startswith("exec uvicorn kalpla.asgi:application ")  # signals reach it
    assert '--ws-max-size "$KALPLA_WS_MAX_FRAME_BYTES"' in command[2]
