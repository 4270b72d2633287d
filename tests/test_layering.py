"""The tree's arrows (../shared/STYLE.md, "The shape we want"), read from the source itself: the matcher is pure
(no I/O library, no event loop, no clock), nothing but the command line imports bot.service, and bot.chat and
bot.feeds never import each other. Every check reads the imports from each file's syntax tree."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.matcher
from tests.conftest import ROOT

BOT = ROOT / "bot"
# I/O, storage and the event loop belong to feeds/, store/, chat/ and service.py, never to the matcher.
MATCHER_FORBIDDEN = frozenset({"discord", "aiohttp", "apscheduler", "sqlite3", "psycopg", "asyncio", "time"})
# The text libraries the matcher cleans and compares with; anything else from outside needs a reason here.
MATCHER_THIRD_PARTY = frozenset({"rapidfuzz", "ftfy", "bs4", "lxml"})
MATCHER_MAY_IMPORT_FROM_BOT = ("bot.matcher", "bot.models", "bot.errors")
CLOCK_READS = frozenset({"now", "utcnow", "today"})  # datetime.now(), datetime.utcnow(), date.today()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module an import statement anywhere in the source names (inside functions and TYPE_CHECKING
    blocks too), relative imports resolved against `module`."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            # `from bot.matcher import sites` imports the module bot.matcher.sites
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def clock_reads(source: str) -> list[str]:
    """datetime.now(), datetime.datetime.utcnow(), date.today() and the like, as written in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in CLOCK_READS:
            owner = ast.unparse(node.value)
            if owner.split(".")[-1] in {"datetime", "date"}:
                found.append(f"{owner}.{node.attr}")
    return found


def top(name: str) -> str:
    return name.split(".")[0]


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def bot_files() -> Iterator[Path]:
    yield from sorted(BOT.rglob("*.py"))


def imports_of(path: Path) -> set[str]:
    return imported_modules(path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py")


def matcher_modules() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(bot.matcher.__path__, "bot.matcher."))


def test_the_matcher_holds_the_pure_stages() -> None:
    assert matcher_modules() == [f"bot.matcher.{name}" for name in (
        "attacks", "casualties", "dates", "dedupe", "incidents", "pipeline", "prefilter", "reconcile", "sites",
        "stories", "story_memo", "summary", "tokens")]


@pytest.mark.parametrize("name", matcher_modules())
def test_a_matcher_module_uses_no_io_no_event_loop_and_no_clock(name: str) -> None:
    module = importlib.import_module(name)
    source = Path(module.__file__ or "").read_text(encoding="utf-8")
    imports = imported_modules(source, name)
    assert {top(imported) for imported in imports} & MATCHER_FORBIDDEN == set()
    assert clock_reads(source) == []
    from_bot = {imported for imported in imports if top(imported) == "bot"}
    assert all(any(within(imported, allowed) for allowed in MATCHER_MAY_IMPORT_FROM_BOT) for imported in from_bot), \
        from_bot
    outside = {top(imported) for imported in imports} - {"bot", "__future__"}
    assert outside - set(sys.stdlib_module_names) <= MATCHER_THIRD_PARTY


def test_importing_the_whole_matcher_loads_no_io_library() -> None:
    """The same rule, followed through every import the matcher's imports make (a fresh interpreter)."""
    program = ("import json, sys\n" + "".join(f"import {name}\n" for name in matcher_modules())
               + "print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True,
                                       check=True).stdout)
    assert {top(name) for name in loaded} & (MATCHER_FORBIDDEN - {"time"}) == set()
    assert not any(within(name, package) for name in loaded
                   for package in ("bot.feeds", "bot.store", "bot.chat", "bot.service"))


def test_only_the_command_line_imports_the_service() -> None:
    importers = {module_name(path) for path in bot_files() if "bot.service" in imports_of(path)}
    assert importers == {"bot.cli"}


@pytest.mark.parametrize(("package", "other"), [("bot.chat", "bot.feeds"), ("bot.feeds", "bot.chat")])
def test_chat_and_feeds_do_not_import_each_other(package: str, other: str) -> None:
    files = [path for path in bot_files() if within(module_name(path), package)]
    assert files
    crossing = {module_name(path): sorted(name for name in imports_of(path) if within(name, other))
                for path in files}
    assert {module: names for module, names in crossing.items() if names} == {}


def test_the_import_reader_sees_what_these_checks_forbid() -> None:
    """The checks above can fail: the reader finds imports inside functions, relative ones, and clock reads."""
    source = ("from __future__ import annotations\nimport asyncio\nfrom .. import service\n"
              "def later():\n    from bot.feeds.fetch import fetch_once\n    return datetime.datetime.now()\n")
    imports = imported_modules(source, "bot.chat.client")
    assert {"asyncio", "bot.service", "bot.feeds.fetch"} <= imports
    assert clock_reads(source) == ["datetime.datetime.now"]
    assert clock_reads("today = date.today()\nstamp = time.time()\n") == ["date.today"]
    assert "time" in imported_modules("from time import time\n", "bot.matcher.dates")
