"""Command line: python -m bot {run, replay, check-config, health}."""

from __future__ import annotations

import argparse
import signal
import sys

from bot.errors import SiteWatchError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="SiteWatch: attack alerts for tracked sites")
    commands = parser.add_subparsers(dest="command", required=True)

    replay = commands.add_parser("replay", help="replay archived feed files offline and print the alerts")
    replay.add_argument("--config", required=True, help="config file (a 'sites:' list is enough)")
    replay.add_argument("--json", action="store_true", help="one JSON object per alert per line")
    replay.add_argument("--explain", action="store_true",
                        help="also print, for each alert, the sentences that decided site, day, weapons, toll, claim")
    replay.add_argument("--arrival", default="publish", metavar="ORDER",
                        help="'publish' (default: every story at its publish time) or 'polls[:MINUTES]': as a live "
                             "bot polling each feed every MINUTES minutes (default 5) would see them")
    replay.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                        help="read and analyse the files in N processes (default: one per CPU; 1: no worker "
                             "process); the output is the same whatever N")
    replay.add_argument("paths", nargs="+", help="RSS/Atom/RDF files or folders of them")

    check = commands.add_parser("check-config", help="validate a config file")
    check.add_argument("--config", default="config.yaml")

    run = commands.add_parser("run", help="poll the feeds and post alerts (console when no DISCORD_TOKEN)")
    run.add_argument("--config", default="config.yaml")
    run.add_argument("--dry-run", action="store_true", help="print alerts to the console, never Discord")
    run.add_argument("--once", action="store_true", help="poll every feed once, then exit")
    run.add_argument("--role", default="all", choices=("poller", "delivery", "discord", "all"),
                     help="what this process does (several processes need PostgreSQL): 'poller' polls feeds and "
                          "queues alerts; 'delivery' sends the queued alerts (Discord REST with DISCORD_TOKEN, the "
                          "console without); 'discord' holds the Discord gateway, answers slash commands and "
                          "delivers; 'all' (default) does everything")
    run.add_argument("--poll-tick", type=positive_seconds, default=20.0, metavar="SECONDS",
                     help="how often a poller looks for due feeds (default 20); each feed keeps its own interval")
    run.add_argument("--lease", type=positive_seconds, default=120.0, metavar="SECONDS",
                     help="how long a poller holds a feed it polls, renewed while it polls (default 120): a dead "
                          "worker's feeds are taken over after this")

    health = commands.add_parser("health", help="exit 0 when the bot's store opens and feeds are polled on time "
                                                "(a container HEALTHCHECK); else one line saying why, exit 1")
    health.add_argument("--config", default="config.yaml")
    # Any text: an unknown role is judged by the check itself (one line, exit 1), never argparse's exit 2.
    health.add_argument("--role", default="all", metavar="ROLE",
                        help="the checked process's run --role: only pollers and 'all' (default) are judged by "
                             "how fresh the feed polls are")
    return parser


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: give a number of at least 1")
    return value


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < 10**6:
        raise argparse.ArgumentTypeError(f"{text}: give a number of seconds above 0")
    return value


def check_config(path: str) -> int:
    """Valid for the mode it would run in: with DISCORD_TOKEN set, every incident must have a channel; without
    it, what Discord mode would still need is said, and the console mode passes."""
    from bot.config import load_config
    from bot.errors import ConfigError

    config = load_config(path)
    problem = config.discord_route_problem()
    if problem and config.discord_token:
        raise ConfigError(f"{path}: {problem}")
    print(f"{path}: OK ({len(config.sites)} sites, {len(config.feeds)} feeds)")
    if problem:
        print(f"{path}: for Discord mode (DISCORD_TOKEN set): {problem}")
    return 0


def _stop_while_starting(signum: int, frame: object) -> None:
    """Nothing runs yet that needs stopping: unwind (an open transaction rolls back, the store closes) and exit 0."""
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "health":  # answers every failure itself: exit 1 and one line, never Docker's reserved 2
        from bot.health import main_health

        return main_health(args.config, args.role)
    try:
        if args.command == "replay":
            from bot.replay import main_replay

            return main_replay(args.config, args.paths, as_json=args.json, explain=args.explain,
                               arrival=args.arrival, jobs=args.jobs)
        if args.command == "check-config":
            return check_config(args.config)
        if args.command == "run":
            # `docker stop` (SIGTERM) may come while the bot is still starting (imports, migrations, the
            # gazetteer), before the running service's own handler is in place: it then stops as cleanly, exit 0.
            signal.signal(signal.SIGTERM, _stop_while_starting)
            from bot.service import RunOptions, main_run

            return main_run(args.config, RunOptions(role=args.role, dry_run=args.dry_run, once=args.once,
                                                    poll_tick=args.poll_tick, lease_seconds=args.lease))
    except SiteWatchError as error:
        print(f"sitewatch: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 1
