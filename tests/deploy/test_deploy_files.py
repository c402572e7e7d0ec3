"""The deployment files, checked without Docker: compose.yaml parses and every service is checked healthy
(its own healthcheck, or waiting for healthy ones), the commands and settings they use exist, and the
systemd units pass `systemd-analyze verify` (or, without systemd, parse)."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
import yaml  # PyYAML: installed with the test extras (openapi-spec-validator's jsonschema-path needs it)

from concejo.cli import build_parser
from concejo.config import Settings, env_name

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ("concejo-web.service", "concejo-scheduler.service")
SETTINGS = {env_name(f.name) for f in fields(Settings)}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _healthy_dependencies(service: dict) -> set[str]:
    depends = service.get("depends_on") or {}
    if isinstance(depends, list):  # the short form waits for nothing but the start
        return set()
    return {name for name, how in depends.items() if how.get("condition") == "service_healthy"}


def _command(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_every_service_is_checked_healthy_or_waits_for_healthy_ones(compose):
    services = compose["services"]
    assert {"web", "scheduler", "elasticsearch", "postgres"} <= set(services)
    for name, service in services.items():
        waits_for = _healthy_dependencies(service)
        assert "healthcheck" in service or waits_for, f"{name} has no healthcheck and waits for no healthy service"
        for dependency in waits_for:
            assert "healthcheck" in services[dependency], f"{name} waits for {dependency}, which has no healthcheck"
        if "healthcheck" in service:
            check = service["healthcheck"]
            assert check["test"][0] in {"CMD", "CMD-SHELL"} and check["interval"] and check["retries"] >= 1


def test_the_health_checks_ask_the_app_and_the_cluster(compose):
    services = compose["services"]
    assert "/api/v1/health" in " ".join(services["web"]["healthcheck"]["test"])
    assert "/_cluster/health" in " ".join(services["elasticsearch"]["healthcheck"]["test"])
    assert _healthy_dependencies(services["web"]) == {"elasticsearch"}


def test_the_app_services_run_existing_commands_with_known_settings(compose):
    services = compose["services"]
    for name, expected in (("web", "serve"), ("scheduler", "schedule")):
        command = _command(services[name])
        assert command[0] == "concejo"
        assert build_parser().parse_args(command[1:]).command == expected  # exits on an unknown option
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        environment = services[name]["environment"]
        unknown = set(environment) - SETTINGS
        assert not unknown, f"{name} sets settings the app does not know: {unknown}"
        assert environment["CONCEJO_ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
    assert "--bind" in _command(services["web"]) and "0.0.0.0:8000" in _command(services["web"])


def test_elasticsearch_is_a_standard_single_node_on_the_internal_network_only(compose):
    node = compose["services"]["elasticsearch"]
    assert re.fullmatch(r"docker\.elastic\.co/elasticsearch/elasticsearch:8\.19\.\d+", node["image"])
    environment = node["environment"]
    assert environment["discovery.type"] == "single-node"
    assert environment["xpack.security.enabled"] == "false"
    assert re.search(r"-Xms\S+ -Xmx\S+", environment["ES_JAVA_OPTS"])
    assert "ports" not in node and node["networks"] == ["backend"]
    assert compose["networks"]["backend"]["internal"] is True
    postgres = compose["services"]["postgres"]
    assert "ports" not in postgres and postgres["networks"] == ["backend"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_the_image_has_ocr_and_installs_the_project():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    for package in ("tesseract-ocr", "tesseract-ocr-spa", "poppler-utils"):
        assert re.search(rf"apt-get install[^\n]*\b{package}\b", dockerfile), package
    # pip install . compiles extract/_pdfium_pages.c: the compiler comes and goes in the same layer
    assert re.search(r"^RUN apt-get update && apt-get install[^\n]*\bgcc\b[^\n]*\\\n\s*&& pip install \. ", dockerfile,
                     re.MULTILINE)
    assert re.search(r"&& pip install \. [^\n]*\\\n\s*&& apt-get purge -y --auto-remove gcc", dockerfile)
    assert re.search(r"^USER concejo$", dockerfile, re.MULTILINE)
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {"data", ".git", "tests"} <= set(ignored)


def test_the_environment_example_sets_only_known_settings():
    names = re.findall(r"^(CONCEJO_\w+)=", (DEPLOY / "systemd" / "concejo.env.example").read_text(), re.MULTILINE)
    assert names and set(names) <= SETTINGS


@pytest.mark.parametrize("unit", UNITS)
def test_each_unit_runs_a_concejo_command_as_its_own_user(unit):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / "systemd" / unit).read_text())
    assert {"Unit", "Service", "Install"} <= set(parser.sections())
    service = parser["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[0] == "/opt/concejo/venv/bin/concejo"
    expected = {"concejo-web.service": "serve", "concejo-scheduler.service": "schedule"}[unit]
    assert build_parser().parse_args(command[1:]).command == expected
    assert service["User"] == "concejo" and service["EnvironmentFile"] == "/etc/concejo/concejo.env"
    assert service["KillSignal"] == "SIGTERM" and service["TimeoutStopSec"]
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_the_web_unit_gives_its_start_more_time_than_its_wait_for_health():
    """systemd kills a start that outlasts TimeoutStartSec (90 s by default): the ExecStartPost wait for
    /api/v1/health (curl's --retry-max-time, plus its last try's --max-time) must end well within it."""
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / "concejo-web.service").read_text())
    service = parser["Service"]
    wait = shlex.split(service["ExecStartPost"])
    assert wait[0] == "/usr/bin/curl"
    waited_s = float(wait[wait.index("--retry-max-time") + 1]) + float(wait[wait.index("--max-time") + 1])
    assert float(service.get("TimeoutStartSec", "90")) >= waited_s + 30  # and time for gunicorn to start


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    """verify also checks that each command is an executable: the units' paths become this machine's."""
    beside_python = Path(sys.executable).parent / "concejo"  # where pip put it for this interpreter
    concejo = str(beside_python) if beside_python.exists() else shutil.which("concejo")
    assert concejo, "the concejo command is not installed (pip install -e .)"
    for unit in UNITS:
        text = (DEPLOY / "systemd" / unit).read_text()
        text = text.replace("/opt/concejo/venv/bin/concejo", concejo)
        text = text.replace("/usr/bin/curl", shutil.which("curl") or "/bin/true")
        (tmp_path / unit).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(tmp_path / u) for u in UNITS)],
                            check=False, capture_output=True, text=True, timeout=60)
    # verify exits 0 on an unknown key or a bad value, but names them: nothing may be said
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr
