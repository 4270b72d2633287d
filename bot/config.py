"""Typed settings, loaded and validated once. Errors name the key and, where YAML knows it, the line."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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
    metrics_port: int | None = None  # Prometheus metrics on 127.0.0.1:PORT; off by default
    discord: DiscordConfig = Field(default_factory=DiscordConfig)

    @model_validator(mode="after")
    def _ids_unique(self) -> Config:
        seen: set[str] = set()
        for index, site in enumerate(self.sites):
            if site.id in seen:
                raise ValueError(f"sites.{index}.id: duplicate site id {site.id!r}")
            seen.add(site.id)
        return self

    def site_records(self) -> list[Site]:
        return [site.to_site() for site in self.sites]

    @property
    def discord_token(self) -> str | None:
        """Secrets come only from the environment, never from the file."""
        return os.environ.get("DISCORD_TOKEN") or None


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config: {error.strerror or error}") from error
    return parse_config(text, str(path))


def parse_config(text: str, name: str = "config") -> Config:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{name}:{where}: not valid YAML: {getattr(error, 'problem', error)}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping with a 'sites' list at the top")
    if "token" in data or "discord_token" in data or "token" in (data.get("discord") or {}):
        raise ConfigError(f"{name}: the Discord token must not be in the file: set DISCORD_TOKEN instead")
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = list(first["loc"])
        key = ".".join(str(part) for part in location) or "(top)"
        line = _line_of(node, location)
        where = f" line {line}" if line else ""
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}:{where}: {key}: {message}") from error


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
