"""The Dockerfile, docker-compose.yml and .dockerignore, checked without a Docker engine: the layer order that
keeps dependencies cached, the pins the image installs, the health check, signals, the user, and the
compose services."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.cli import build_parser
from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY...
    arguments: str


def dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    pending = ""
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        keyword, _, arguments = pending.strip().partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def index_of(instructions: list[Instruction], keyword: str, contains: str) -> int:
    return next(i for i, ins in enumerate(instructions) if ins.keyword == keyword and contains in ins.arguments)


def dependency_step() -> Instruction:
    return next(ins for ins in dockerfile() if ins.keyword == "RUN" and " -r " in ins.arguments)


def copy_sources(instruction: Instruction) -> list[str]:
    *sources, _destination = shlex.split(instruction.arguments)
    return sources


def exec_form(instruction: Instruction) -> list[str]:
    """The JSON array of an exec-form instruction; a shell-form one fails here."""
    value = json.loads(instruction.arguments)
    assert isinstance(value, list) and all(isinstance(part, str) for part in value), instruction
    return value


def only(keyword: str) -> Instruction:
    (instruction,) = [ins for ins in dockerfile() if ins.keyword == keyword]
    return instruction


def run_extraction(pyproject: Path) -> subprocess.CompletedProcess[str]:
    """Run the Dockerfile's own extraction step (its `python -c`) beside this pyproject.toml."""
    words = shlex.split(dependency_step().arguments)
    code = words[words.index("-c") + 1]
    return subprocess.run([sys.executable, "-c", code], cwd=pyproject.parent, capture_output=True, text=True,
                          timeout=60, check=False)


# -- Dockerfile --------------------------------------------------------------------------------------------


def test_dependencies_are_installed_from_pyproject_alone_before_the_code_is_copied() -> None:
    instructions = dockerfile()
    step = instructions.index(dependency_step())
    assert step < index_of(instructions, "COPY", "bot")
    copied_before = [source for ins in instructions[:step] if ins.keyword == "COPY" for source in copy_sources(ins)]
    assert copied_before == ["pyproject.toml"]  # any other file there would reinstall everything when it changes
    assert "pip install" in dependency_step().arguments


def test_the_dependency_step_installs_exactly_pyprojects_pins(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = run_extraction(tmp_path / "pyproject.toml")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == PYPROJECT["project"]["dependencies"]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.]+", pin) for pin in result.stdout.splitlines())
    # What the step prints is what pip installs: the file it writes is the file pip reads.
    words = shlex.split(dependency_step().arguments)
    assert words[words.index(">") + 1] == words[words.index("-r") + 1]


def test_the_dependency_step_refuses_an_unpinned_dependency(tmp_path: Path) -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8").replace('"feedparser==6.0.14"', '"feedparser>=6"')
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    result = run_extraction(tmp_path / "pyproject.toml")
    assert result.returncode != 0 and "AssertionError" in result.stderr


def test_the_code_is_installed_without_dependencies_with_everything_the_package_needs() -> None:
    instructions = dockerfile()
    install = index_of(instructions, "RUN", "--no-deps")
    assert "pip install" in instructions[install].arguments
    copied = {source for ins in instructions[:install] if ins.keyword == "COPY" for source in copy_sources(ins)}
    packages = {pattern.rstrip("*") for pattern in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert packages | {PYPROJECT["project"]["readme"]} <= copied


def test_healthcheck_runs_the_bots_health_command() -> None:
    options, _, command = only("HEALTHCHECK").arguments.partition("CMD ")
    assert "--start-period=" in options  # the first poll cycle is not counted against the bot
    argv = json.loads(command)
    assert argv[:4] == ["python", "-m", "bot", "health"]


def test_the_healthcheck_command_line_is_one_the_bot_accepts(tmp_path: Path) -> None:
    # Run locally with a database that does not exist: 1 (unhealthy), not argparse's 2 for a bad option.
    _, _, command = only("HEALTHCHECK").arguments.partition("CMD ")
    argv = json.loads(command)
    result = subprocess.run([sys.executable, *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": str(tmp_path / "none.sqlite3")},
                            check=False)
    assert result.returncode == 1 and "unhealthy" in result.stderr


def test_entrypoint_is_exec_form_so_python_receives_sigterm() -> None:
    entrypoint, command = exec_form(only("ENTRYPOINT")), exec_form(only("CMD"))
    assert entrypoint == ["python", "-m", "bot"]
    assert build_parser().parse_args(command).command == "run"
    assert only("STOPSIGNAL").arguments == "SIGTERM"


def test_the_bot_runs_as_a_user_that_is_not_root() -> None:
    instructions = dockerfile()
    users = [i for i, ins in enumerate(instructions) if ins.keyword == "USER"]
    assert users, "no USER: the bot would run as root"
    assert instructions[users[-1]].arguments not in {"root", "0", "0:0"}
    assert users[-1] < index_of(instructions, "ENTRYPOINT", "")


# -- docker-compose.yml ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, object]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def service(compose: dict[str, object], name: str) -> dict[str, object]:
    return compose["services"][name]  # type: ignore[index]


def test_compose_runs_postgresql_15_with_its_data_in_a_volume(compose: dict[str, object]) -> None:
    postgres = service(compose, "postgres")
    assert str(postgres["image"]).startswith("postgres:15")
    (volume,) = [v for v in postgres["volumes"] if v.endswith(":/var/lib/postgresql/data")]  # type: ignore[attr-defined]
    assert volume.split(":")[0] in compose["volumes"]  # a named volume, declared
    assert "pg_isready" in postgres["healthcheck"]["test"]  # type: ignore[index]
    assert postgres["restart"] in {"always", "unless-stopped"}


@pytest.mark.parametrize("name, role", [("poller", "poller"), ("delivery", "delivery")])
def test_compose_runs_each_role_on_the_shared_database(compose: dict[str, object], name: str, role: str) -> None:
    worker = service(compose, name)
    assert worker["command"][:2] == ["run", "--config"]  # type: ignore[index]
    assert worker["command"][-2:] == ["--role", role]  # type: ignore[index]
    assert re.fullmatch(r"postgresql://sitewatch:\$\{POSTGRES_PASSWORD\}@postgres:5432/sitewatch",
                        worker["environment"]["SITEWATCH_DATABASE"])  # type: ignore[index]
    assert worker["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert worker["restart"] in {"always", "unless-stopped", "on-failure"}
    assert "./config.yaml:/app/config.yaml:ro" in worker["volumes"]  # type: ignore[operator]
    assert worker["init"] is True and worker["stop_signal"] == "SIGTERM"


def test_compose_holds_no_secret(compose: dict[str, object]) -> None:
    for name, definition in compose["services"].items():  # type: ignore[attr-defined]
        for key, value in (definition.get("environment") or {}).items():
            if "TOKEN" in key or "PASSWORD" in key:
                assert re.fullmatch(r"\$\{\w+(:?[-?][^}]*)?\}", str(value)), f"{name}.{key} is a literal"
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert not re.search(r"[\w-]{23,28}\.[\w-]{6}\.[\w-]{27,}", text)  # the shape of a Discord bot token
    assert "DISCORD_TOKEN" in service(compose, "delivery")["environment"]  # type: ignore[operator]


# -- .dockerignore -----------------------------------------------------------------------------------------


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker reads it: `*` and `?` stay within one folder, `**/` spans any."""
    parts = re.split(r"(\*\*/|\*|\?|\[[^]]*\])", pattern.strip("/"))
    table = {"**/": "(?:.*/)?", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(table.get(part) or (part if part.startswith("[") else re.escape(part))
                              for part in parts))


def ignored(path: str, patterns: list[str]) -> bool:
    """A pattern excludes a path or any folder above it; the last matching pattern wins (`!` re-includes)."""
    prefixes = ["/".join(path.split("/")[: i + 1]) for i in range(path.count("/") + 1)]
    verdict = False
    for pattern in patterns:
        regex = pattern_regex(pattern.removeprefix("!"))
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            verdict = not pattern.startswith("!")
    return verdict


@pytest.fixture(scope="module")
def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("path", [
    ".git/HEAD", ".git", ".venv/bin/python", ".env", "sitewatch.sqlite3", "sitewatch.sqlite3-wal",
    "sitewatch.sqlite3.lock", "elsewhere/db.sqlite3-shm", "bot/__pycache__/cli.cpython-311.pyc",
    ".pytest_cache/v/cache", "tests/corpus/x.xml", "sitewatch.egg-info/PKG-INFO"])
def test_dockerignore_keeps_out_what_the_image_must_not_hold(dockerignore: list[str], path: str) -> None:
    assert ignored(path, dockerignore)


def test_dockerignore_keeps_every_file_the_dockerfile_copies(dockerignore: list[str]) -> None:
    sources = [source for ins in dockerfile() if ins.keyword == "COPY" for source in copy_sources(ins)]
    files = [path for source in sources for path in ((ROOT / source).rglob("*") if (ROOT / source).is_dir()
                                                   else [ROOT / source])
             if path.is_file() and "__pycache__" not in path.parts]
    assert len(files) > 20
    excluded = [str(path.relative_to(ROOT)) for path in files if ignored(str(path.relative_to(ROOT)), dockerignore)]
    assert excluded == []
