"""Typed settings, loaded and validated once. Errors name the key and, where YAML knows it, the line."""

from __future__ import annotations

import gc
import os
import re
from pathlib import Path
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ConfigError
from bot.models import Site

_ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SITE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A site's limits, for config.yaml and /track add alike: ids are autocomplete values (Discord: at most 100
# characters), names show in autocomplete choices (100), embed titles and answers.
SITE_ID_LIMIT = 64
SITE_NAME_LIMIT = 100
SITE_ALIASES_LIMIT = 50
TIMEZONE_LIMIT = 64  # the longest IANA name has 32 characters; a longer one is a file name too long to open


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteConfig(_Strict):
    id: str = Field(max_length=SITE_ID_LIMIT)
    name: str = Field(min_length=1, max_length=SITE_NAME_LIMIT)
    aliases: list[Annotated[str, Field(max_length=SITE_NAME_LIMIT)]] = Field(default_factory=list,
                                                                             max_length=SITE_ALIASES_LIMIT)
    country: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    timezone: str = Field(default="UTC", max_length=TIMEZONE_LIMIT)

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if not _SITE_ID.match(value):
            raise ValueError("must be lower-case letters, digits and hyphens, e.g. ain-al-asad")
        return value

    @field_validator("country")
    @classmethod
    def _country_is_iso(cls, value: str) -> str:
        if not _ISO_COUNTRY.match(value):
            raise ValueError("must be an ISO 3166-1 alpha-2 code in capitals, e.g. IQ")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as error:
            raise ValueError(f"unknown IANA time zone {value!r}, e.g. Asia/Baghdad") from error
        return value

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, value: list[str]) -> list[str]:
        if any(not alias.strip() for alias in value):
            raise ValueError("an alias is blank")
        return value

    def to_site(self) -> Site:
        return Site(self.id, self.name, tuple(self.aliases), self.country, self.lat, self.lon, self.timezone)


class FeedConfig(_Strict):
    url: str
    name: str | None = None
    interval: float | None = Field(default=None, gt=0, description="minutes between polls")

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value


class DiscordConfig(_Strict):
    alert_channel_id: int | None = None  # the default alert channel
    admin_channel_id: int | None = None  # failing feeds are announced here, once
    site_channels: dict[str, int] = Field(default_factory=dict)  # site id -> channel
    country_channels: dict[str, int] = Field(default_factory=dict)  # ISO country -> channel
    casualty_role_id: int | None = None  # mentioned on alerts of incidents with casualties
    guild_id: int | None = None  # slash commands sync to this guild at start (instant), else globally
    api_base: str | None = None  # a Discord API proxy; DISCORD_API_BASE overrides
    gateway_url: str | None = None  # DISCORD_GATEWAY_URL overrides

    @property
    def effective_api_base(self) -> str | None:
        return os.environ.get("DISCORD_API_BASE") or self.api_base

    @property
    def effective_gateway_url(self) -> str | None:
        return os.environ.get("DISCORD_GATEWAY_URL") or self.gateway_url


class Config(_Strict):
    sites: list[SiteConfig] = Field(min_length=1)
    feeds: list[FeedConfig] = Field(default_factory=list)
    database: str = "sitewatch.sqlite3"
    poll_interval: float = Field(default=5.0, gt=0, description="minutes")
    backlog_hours: float = Field(default=24.0, ge=0, description="older entries of a new feed do not alert")
    allow_private_feeds: bool = False  # feed URLs on private, loopback or link-local addresses
    failing_feed_threshold: int = Field(default=5, ge=1, description="consecutive failures before flagging")
    # Prometheus metrics on 127.0.0.1:PORT; off by default
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    discord: DiscordConfig = Field(default_factory=DiscordConfig)

    def site_records(self) -> list[Site]:
        return [site.to_site() for site in self.sites]

    def unrouted_site_ids(self) -> list[str]:
        """Sites whose incidents would have no channel: no default channel and no site or country route."""
        routes = self.discord
        if routes.alert_channel_id:
            return []
        return [site.id for site in self.sites
                if site.id not in routes.site_channels and site.country not in routes.country_channels]

    def discord_route_problem(self) -> str | None:
        """Why Discord mode cannot post every incident, in one line naming the key to set; None when it can."""
        unrouted = self.unrouted_site_ids()
        if not unrouted:
            return None
        named = ", ".join(unrouted[:3]) + (f" and {len(unrouted) - 3} more" if len(unrouted) > 3 else "")
        return (f"discord.alert_channel_id is not set and {len(unrouted)} sites have no discord.site_channels or "
                f"discord.country_channels route ({named}): their alerts would go nowhere; set "
                "discord.alert_channel_id to a channel id")

    @property
    def discord_token(self) -> str | None:
        """Secrets come only from the environment, never from the file."""
        return os.environ.get("DISCORD_TOKEN") or None


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config: {error.strerror or error}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(f"{path}: line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}): save the file "
                          "as UTF-8") from error
    return parse_config(text, str(path))


class _DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping that names one key twice: YAML would keep the last silently."""


# libyaml parses ten times faster than the pure-Python parser; nodes keep their marks (lines) either way.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_lines: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            line = key_node.start_mark.line + 1
            if key_node.value in first_lines:
                raise _DuplicateKeyError(problem=f"duplicate key {key_node.value!r} (first on line "
                                                 f"{first_lines[key_node.value]})", problem_mark=key_node.start_mark)
            first_lines[key_node.value] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for error lines) and the data, from one parse. The cyclic garbage collector is paused
    meanwhile: a big watchlist makes millions of young objects, and each collection would walk them all
    again (loading 50,000 sites took several times longer with it running)."""
    collecting = gc.isenabled()
    gc.disable()
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()
        if collecting:
            gc.enable()


def parse_config(text: str, name: str = "config") -> Config:
    try:
        node, data = _compose_and_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        if isinstance(error, _DuplicateKeyError):
            raise ConfigError(f"{name}:{where}: {error.problem}") from error
        raise ConfigError(f"{name}:{where}: not valid YAML: {getattr(error, 'problem', error)}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping with a 'sites' list at the top")
    for key in ("feeds", "discord"):  # an empty block (every line commented out) sets nothing
        if key in data and data[key] is None:
            data.pop(key)
    _refuse_misplaced_discord(data, node, name)
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        _raise_at(name, node, list(first["loc"]), first["msg"].removeprefix("Value error, "), error)
    problem = _first_cross_problem(config)
    if problem is not None:
        _raise_at(name, node, *problem)
    return config


def _refuse_misplaced_discord(data: dict[str, Any], node: Any, name: str) -> None:
    """`discord:` holds channel ids; the token is never in the file."""
    section = data.get("discord")
    if "discord" in data and not isinstance(section, dict):
        _raise_at(name, node, ["discord"], "must be a mapping of settings (alert_channel_id: 123..., ...), not "
                  f"{type(section).__name__}; the bot token goes in the DISCORD_TOKEN environment variable")
    if "token" in data or "discord_token" in data or (isinstance(section, dict) and "token" in section):
        raise ConfigError(f"{name}: the Discord token must not be in the file: set DISCORD_TOKEN instead")


def _raise_at(name: str, node: Any, location: list[Any], message: str, cause: Exception | None = None) -> NoReturn:
    key = ".".join(str(part) for part in location) or "(top)"
    line = _line_of(node, location)
    where = f" line {line}" if line else ""
    raise ConfigError(f"{name}:{where}: {key}: {message}") from cause


def _first_cross_problem(config: Config) -> tuple[list[Any], str] | None:
    """Checks across entries, each one pass over the lists: (location, message) of the first problem."""
    first_site: dict[str, int] = {}
    for index, site in enumerate(config.sites):
        if site.id in first_site:
            return ["sites", index, "id"], f"duplicate site id {site.id!r} (first at sites.{first_site[site.id]})"
        first_site[site.id] = index
    first_feed: dict[str, int] = {}
    for index, feed in enumerate(config.feeds):
        if feed.url in first_feed:
            return ["feeds", index, "url"], f"duplicate feed URL (first at feeds.{first_feed[feed.url]})"
        first_feed[feed.url] = index
    for site_id in config.discord.site_channels:
        if site_id not in first_site:
            return ["discord", "site_channels", site_id], f"no site has the id {site_id!r}"
    return None


def _line_of(node: Any, location: list[Any]) -> int | None:
    """The 1-based line of the YAML node at a pydantic error location, as deep as the file has it."""
    line = None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
