"""Command line: python -m bot {run, replay, check-config}."""

from __future__ import annotations

import argparse
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
    replay.add_argument("paths", nargs="+", help="RSS/Atom/RDF files or folders of them")

    check = commands.add_parser("check-config", help="validate a config file")
    check.add_argument("--config", default="config.yaml")

    run = commands.add_parser("run", help="poll the feeds and post alerts (console when no DISCORD_TOKEN)")
    run.add_argument("--config", default="config.yaml")
    run.add_argument("--dry-run", action="store_true", help="print alerts to the console, never Discord")
    run.add_argument("--once", action="store_true", help="poll every feed once, then exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "replay":
            from bot.replay import main_replay

            return main_replay(args.config, args.paths, as_json=args.json, explain=args.explain)
        if args.command == "check-config":
            from bot.config import load_config

            config = load_config(args.config)
            print(f"{args.config}: OK ({len(config.sites)} sites, {len(config.feeds)} feeds)")
            return 0
        if args.command == "run":
            from bot.service import main_run

            return main_run(args.config, dry_run=args.dry_run, once=args.once)
    except SiteWatchError as error:
        print(f"sitewatch: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 1
