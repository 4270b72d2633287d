"""The running service end to end in console mode: real polling of feeds served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.chat.delivery import ConsoleSink
from bot.config import parse_config
from bot.service import Service, run_service
from tests.conftest import ROOT, database_for, make_store, on_postgres, sqlite_only
from tests.fake_discord import FakeDiscordServer
from tests.local_feeds import LocalFeeds

SCENARIO = Path(__file__).parent / "fixtures" / "scenario"
SITES = (ROOT / "config.yaml").read_text(encoding="utf-8").split("\nfeeds:")[0]


def config_for(*urls: str, backlog_hours: float = 24 * 365 * 20) -> str:
    feeds = "".join(f"  - {{url: '{u}'}}\n" for u in urls)
    return f"{SITES}\nfeeds:\n{feeds}allow_private_feeds: true\nbacklog_hours: {backlog_hours}\n"


async def test_poll_alerts_once_then_304_adds_nothing() -> None:
    printed: list[str] = []
    async with LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        farm = feeds.serve("/farm.xml", (SCENARIO / "farm.xml").read_bytes())
        service = Service(parse_config(config_for(wire, farm)), make_store(), ConsoleSink(printed.append),
                          console=True, clock=lambda: datetime(2021, 3, 6, tzinfo=UTC))
        await run_service(service, once=True)
        first = list(printed)
        for feed in service.store.feeds():  # due again
            service.store.record_poll(feed.url, now=service.clock(), next_poll=service.clock(), ok=True)
        await run_service(service, once=True)
    assert sum(line.startswith("[NEW]") for line in first) == 1
    assert printed == first  # the second poll got 304s: nothing new, nothing printed
    assert feeds.hits == {"/wire.xml": 2, "/farm.xml": 2}
    assert all(f.last_success and f.consecutive_failures == 0 for f in service.store.feeds())


async def test_backlog_of_a_new_feed_is_stored_but_does_not_alert() -> None:
    printed: list[str] = []
    async with LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        service = Service(parse_config(config_for(wire, backlog_hours=24)), make_store(),
                          ConsoleSink(printed.append), console=True, clock=lambda: datetime(2021, 4, 1, tzinfo=UTC))
        await run_service(service, once=True)
    assert printed == []
    assert service.store.recent_incidents(datetime(2021, 3, 1).date())


async def test_failing_feed_backs_off_and_is_flagged_once() -> None:
    printed: list[str] = []
    async with LocalFeeds() as feeds:
        broken = feeds.serve("/broken.xml", b"", status=500)
        text = config_for(broken).replace("backlog_hours", "failing_feed_threshold: 2\nbacklog_hours")
        service = Service(parse_config(text), make_store(), ConsoleSink(printed.append), console=True,
                          clock=lambda: datetime(2021, 3, 6, tzinfo=UTC))
        for _ in range(4):
            await run_service(service, once=True)
            (feed,) = service.store.feeds()
            service.store.connection.execute("UPDATE feeds SET next_poll = NULL")
    (feed,) = service.store.feeds()
    assert feed.consecutive_failures == 4 and feed.flagged and feed.last_error == "HTTP 500"
    assert [line for line in printed if line.startswith("[ADMIN]")] == [
        f"[ADMIN] Feed {broken} has failed 2 times in a row: HTTP 500"]


def run_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", **(env or {})}, check=False)


def test_sigterm_while_the_bot_is_still_starting_stops_it_cleanly(tmp_path: Path) -> None:
    # docker stop during start-up (here: while the config loads, before the service's own handler is in place).
    starting = (
        "import os, signal, sys\n"
        "import bot.config\n"
        "from bot import cli\n"
        "load = bot.config.load_config\n"
        "def stopped_while_loading(path):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return load(path)\n"
        "bot.config.load_config = stopped_while_loading\n"
        "sys.exit(cli.main(['run', '--config', 'config.yaml']))\n")
    result = subprocess.run([sys.executable, "-c", starting], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": database_for(tmp_path / "db.sqlite3")},
                            check=False)
    assert result.returncode == 0, result.stderr  # not -15: killed half-started
    assert "Traceback" not in result.stderr


def test_run_once_without_token_exits_non_zero_when_every_feed_fails(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(config_for(f"file://{SCENARIO}/wire.xml").replace("file://", "http://127.0.0.1:9/"))
    result = run_command("run", "--config", str(config), "--once",
                         env={"SITEWATCH_DATABASE": database_for(tmp_path / "db.sqlite3")})
    assert result.returncode == 1, result.stderr
    assert "mode=console" in result.stderr and "event=feed_failed" in result.stderr  # nothing listens on :9
    assert "event=all_feeds_failed feeds=1" in result.stderr


async def test_run_once_exits_zero_when_one_feed_answers(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    async with LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        config.write_text(config_for(wire, "http://127.0.0.1:9/down.xml"))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), "--once", cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": database_for(tmp_path / "db.sqlite3")},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert b"[NEW]" in stdout and b"event=polled_once feeds=2 failed=1" in stderr


async def test_once_polls_every_feed_even_one_backing_off() -> None:
    async with LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        store = make_store()
        store.ensure_feed(wire, None)
        # A failure before the restart put the next poll hours away.
        store.record_poll(wire, now=datetime(2021, 3, 6, tzinfo=UTC), next_poll=datetime(2021, 3, 7, tzinfo=UTC),
                          ok=False, error="HTTP 500")
        service = Service(parse_config(config_for(wire)), store, ConsoleSink(lambda _: None), console=True,
                          clock=lambda: datetime(2021, 3, 6, 0, 5, tzinfo=UTC))
        outcomes = await run_service(service, once=True)
    assert [o.status for o in outcomes] == ["ok"] and feeds.hits == {"/wire.xml": 1}


async def test_a_feed_polls_on_its_own_interval() -> None:
    now = datetime(2021, 3, 6, tzinfo=UTC)
    async with LocalFeeds() as feeds:
        hourly = feeds.serve("/hourly.xml", (SCENARIO / "wire.xml").read_bytes())
        default = feeds.serve("/default.xml", (SCENARIO / "farm.xml").read_bytes())
        text = config_for(default).replace("feeds:\n", f"feeds:\n  - {{url: '{hourly}', interval: 60}}\n")
        service = Service(parse_config(text), make_store(), ConsoleSink(lambda _: None), console=True,
                          clock=lambda: now)
        await run_service(service, once=True)
    waits = {f.url: (f.next_poll - now).total_seconds() for f in service.store.feeds() if f.next_poll}
    assert 0.9 * 3600 <= waits[hourly] <= 1.1 * 3600  # 60 minutes, give or take the jitter
    assert 0.9 * 300 <= waits[default] <= 1.1 * 300  # poll_interval's 5 minutes


def test_the_config_file_wins_for_the_feeds_it_lists_and_drops_those_it_no_longer_lists() -> None:
    store = make_store()
    store.ensure_feed("https://old.example/rss", "Removed from the file")
    store.ensure_feed("https://chat.example/rss", "Added in chat", added_by_command=True)
    store.ensure_feed("https://kept.example/rss", "Name given in chat")
    text = config_for("https://kept.example/rss").replace("{url: 'https://kept.example/rss'}",
                                                          "{url: 'https://kept.example/rss', name: File name}")
    Service(parse_config(text), store, ConsoleSink(lambda _: None), console=True)
    assert {(f.url, f.name) for f in store.feeds()} == {("https://chat.example/rss", "Added in chat"),
                                                         ("https://kept.example/rss", "File name")}


def test_the_config_file_wins_for_the_sites_it_lists() -> None:
    store = make_store()
    moment = datetime(2021, 3, 6, tzinfo=UTC)
    service = Service(parse_config(config_for()), store, ConsoleSink(lambda _: None), console=True)
    asad = service.gazetteer.sites["ain-al-asad"]
    store.remove_site("ain-al-asad", by="someone", now=moment)
    store.add_site(replace(service.gazetteer.sites["tower-22"], name="Renamed in chat"), by="someone", now=moment)
    store.add_site(replace(asad, id="new-site", name="New site"), by="someone", now=moment)
    restarted = Service(parse_config(config_for()), store, ConsoleSink(lambda _: None), console=True)
    sites = restarted.gazetteer.sites
    assert sites["ain-al-asad"] == asad and sites["tower-22"].name == "Tower 22"
    assert sites["new-site"].name == "New site"  # what the file does not list, chat keeps


async def test_metrics_endpoint_reports_polls_alerts_and_outbox() -> None:
    import asyncio
    import socket

    import aiohttp

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printed: list[str] = []
    async with LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        text = config_for(wire).replace("backlog_hours", f"metrics_port: {port}\nbacklog_hours")
        service = Service(parse_config(text), make_store(), ConsoleSink(printed.append), console=True,
                          clock=lambda: datetime(2021, 3, 6, tzinfo=UTC))
        stop = asyncio.Event()
        task = asyncio.create_task(run_service(service, stop=stop))
        try:
            async with aiohttp.ClientSession() as session:
                for _ in range(100):
                    await asyncio.sleep(0.05)
                    try:
                        async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                            body = await response.text()
                    except aiohttp.ClientError:
                        continue
                    if 'sitewatch_feed_polls_total{status="ok"} 1.0' in body:
                        break
        finally:
            stop.set()
            await task
    assert 'sitewatch_feed_polls_total{status="ok"} 1.0' in body
    assert "sitewatch_outbox_depth 0.0" in body


async def test_permanent_redirect_moves_the_stored_feed_url() -> None:
    async with LocalFeeds() as feeds:
        new = feeds.serve("/new.xml", (SCENARIO / "wire.xml").read_bytes())
        old = feeds.serve("/old.xml", b"", status=301, location="/new.xml")
        service = Service(parse_config(config_for(old)), make_store(), ConsoleSink(lambda _: None), console=True,
                          clock=lambda: datetime(2021, 3, 6, tzinfo=UTC))
        await run_service(service, once=True)
    assert [f.url for f in service.store.feeds()] == [new]


async def test_a_restart_keeps_a_feed_moved_by_a_permanent_redirect_with_its_validators() -> None:
    # The config file still lists the old URL: the moved feed is that feed, not one to drop and poll afresh.
    async with LocalFeeds() as feeds:
        new = feeds.serve("/new.xml", (SCENARIO / "wire.xml").read_bytes())
        old = feeds.serve("/old.xml", b"", status=301, location="/new.xml")
        config = parse_config(config_for(old))
        store = make_store()
        first = Service(config, store, ConsoleSink(lambda _: None), console=True,
                        clock=lambda: datetime(2021, 3, 6, tzinfo=UTC))
        await run_service(first, once=True)
        (moved,) = store.feeds()
        assert (moved.url, moved.listed_url) == (new, old) and moved.etag
        restarted = Service(config, store, ConsoleSink(lambda _: None), console=True,
                            clock=lambda: datetime(2021, 3, 6, 1, tzinfo=UTC))
        assert [(f.url, f.etag) for f in store.feeds()] == [(new, moved.etag)]
        outcomes = await run_service(restarted, once=True)
    assert [(o.url, o.status) for o in outcomes] == [(new, "not_modified")]  # asked with its validators
    assert store.remove_feed(old) and store.feeds() == []  # /feeds remove by the URL it was added by


def test_run_with_a_token_and_no_channel_refuses_to_start_in_one_line(tmp_path: Path) -> None:
    result = run_command("run", "--config", "config.yaml",
                         env={"DISCORD_TOKEN": "any", "SITEWATCH_DATABASE": str(tmp_path / "db.sqlite3")})
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("sitewatch: error: config.yaml: discord.alert_channel_id is not set")
    assert not (tmp_path / "db.sqlite3").exists()  # refused before anything was opened


def test_check_config_reports_the_missing_channel_and_fails_only_with_a_token() -> None:
    console = run_command("check-config", "--config", "config.yaml")
    assert console.returncode == 0
    assert "for Discord mode" in console.stdout and "discord.alert_channel_id is not set" in console.stdout
    discord_mode = run_command("check-config", "--config", "config.yaml", env={"DISCORD_TOKEN": "any"})
    assert discord_mode.returncode == 2 and "discord.alert_channel_id is not set" in discord_mode.stderr


async def start_bot(config: Path, database: Path, **env: str) -> asyncio.subprocess.Process:
    """The bot on the store make_store(database) opens (on PostgreSQL, that path's schema)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": database_for(database), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def read_log_until(process: asyncio.subprocess.Process, marker: str) -> list[str]:
    assert process.stderr is not None
    lines: list[str] = []
    while not lines or marker not in lines[-1]:
        line = await asyncio.wait_for(process.stderr.readline(), timeout=30)
        assert line, "the bot exited early:\n" + "".join(lines)
        lines.append(line.decode())
    return lines


async def stop_with_sigterm(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
    return rest.decode()


async def test_sigterm_stops_the_console_bot_cleanly(tmp_path: Path) -> None:
    config, database = tmp_path / "config.yaml", tmp_path / "db.sqlite3"
    async with LocalFeeds() as feeds:
        config.write_text(config_for(feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())))
        process = await start_bot(config, database)
        started = await read_log_until(process, "event=feed_polled")
        rest = await stop_with_sigterm(process)
    log = "".join(started) + rest
    assert process.returncode == 0, log
    assert "event=stopping signal=SIGTERM" in rest and "event=stopped mode=console" in rest
    assert "Traceback" not in log and "apscheduler" not in log  # the scheduler's per-run INFO lines are off
    assert on_postgres() or not Path(f"{database}-wal").exists()  # closed: SQLite folds the WAL in on close


async def test_sigterm_stops_the_discord_bot_cleanly(tmp_path: Path) -> None:
    config, database = tmp_path / "config.yaml", tmp_path / "db.sqlite3"
    async with FakeDiscordServer(heartbeat_interval_ms=200) as server, LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        config.write_text(config_for(wire) + f"discord:\n  alert_channel_id: {server.channel.id}\n"
                          f"  guild_id: {server.guild.id}\n")
        process = await start_bot(config, database, DISCORD_TOKEN=server.token, DISCORD_API_BASE=server.base_url,
                                  DISCORD_GATEWAY_URL=server.gateway_url)
        started = await read_log_until(process, "event=feed_polled")
        await server.wait_until(lambda: len(server.messages_in()) == 1, timeout=30, what="the alert")
        rest = await stop_with_sigterm(process)
    log = "".join(started) + rest
    assert process.returncode == 0, log
    assert "event=stopping signal=SIGTERM" in rest and "event=stopped mode=discord" in rest
    assert "Traceback" not in log and "voice will NOT be supported" not in log
    assert on_postgres() or not Path(f"{database}-wal").exists()


async def test_a_refused_token_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    async with FakeDiscordServer() as server:
        config.write_text(config_for("https://a.example/rss") + f"discord:\n  alert_channel_id: {server.channel.id}\n")
        process = await start_bot(config, tmp_path / "db.sqlite3", DISCORD_TOKEN="wrong",
                                  DISCORD_API_BASE=server.base_url, DISCORD_GATEWAY_URL=server.gateway_url)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    lines = [line for line in stderr.decode().splitlines() if "level=INFO" not in line]
    assert process.returncode == 2
    assert lines == ["sitewatch: error: Discord refused DISCORD_TOKEN (401 Unauthorized): copy the bot token again "
                     "from the developer portal (Bot, Reset Token)"]


async def _run_once(config: Path, database: str, *flags: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), "--once", *flags, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": database},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, stdout.decode(), stderr.decode()


@sqlite_only("--dry-run copies a SQLite file")
async def test_a_dry_run_changes_nothing_so_the_real_run_still_posts_every_alert(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    config = tmp_path / "config.yaml"
    async with LocalFeeds() as feeds:
        config.write_text(config_for(feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())))
        code, printed, log = await _run_once(config, str(database), "--dry-run")
        assert code == 0 and "[NEW]" in printed and "event=dry_run" in log, log
        assert not database.exists()  # not even created
        # The real run (the console here, Discord with a token) still has every alert to deliver.
        code, real, log = await _run_once(config, str(database))
        assert code == 0 and real.count("[NEW]") == printed.count("[NEW]") > 0, log
        before = database.read_bytes()
        # A dry run on a database in use starts from its state (nothing new to print) and leaves it as it was.
        code, again, log = await _run_once(config, str(database), "--dry-run")
        assert code == 0 and "[NEW]" not in again, log
        assert database.read_bytes() == before


def test_a_dry_run_on_postgresql_is_refused_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(config_for("http://127.0.0.1:9/feed.xml"))
    result = run_command("run", "--config", str(config), "--once", "--dry-run",
                         env={"SITEWATCH_DATABASE": "postgresql://nobody@127.0.0.1:9/none"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "sitewatch: error: --dry-run works on a copy of a SQLite database; with PostgreSQL, set "
        "SITEWATCH_DATABASE to a scratch database instead")
