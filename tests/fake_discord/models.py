"""The fake Discord's world and what it records: users, the guild, messages, interactions, requests.

Every ``payload()`` method renders the object the way Discord's API v10 sends it, with the fields
discord.py 2.7 reads (several of which it indexes without a default, so they must be present).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
CDN = "https://cdn.fake-discord.invalid"

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | EMBED_LINKS | ATTACH_FILES
    | ADD_REACTIONS | USE_EXTERNAL_EMOJIS | USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS
)

# Gateway intents the fake looks at.
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Message flags.
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7


def iso(moment: datetime) -> str:
    return moment.isoformat()


def utcnow() -> datetime:
    return datetime.now(UTC)


class SnowflakeFactory:
    """Real-looking snowflakes: the timestamp part is now, so ``discord.utils.snowflake_time`` works;
    strictly increasing, so sorting by id is sorting by creation."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }

    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int
    managed: bool = False
    bot_id: int | None = None

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeMember:
    user: FakeUser
    role_ids: list[int]
    joined_at: datetime = field(default_factory=utcnow)

    def payload(self, *, permissions: int | None = None) -> JSON:
        data: JSON = {
            "user": self.user.payload(),
            "nick": None,
            "avatar": None,
            "banner": None,
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class FakeChannel:
    id: int
    guild_id: int
    name: str
    position: int
    type: int = 0  # GUILD_TEXT
    topic: str | None = None
    last_message_id: int | None = None

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "topic": self.topic,
            "nsfw": False,
            "parent_id": None,
            "last_message_id": None if self.last_message_id is None else str(self.last_message_id),
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    joined_at: datetime = field(default_factory=utcnow)

    def permissions_for(self, user_id: int) -> int:
        """Guild-level permissions (the fake has no channel overwrites)."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members[user_id]
        value = self.roles[self.id].permissions  # @everyone's id is the guild's id
        for role_id in member.role_ids:
            value |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def partial_payload(self) -> JSON:
        """What an interaction carries as ``guild``."""
        return {"id": str(self.id), "locale": "en-US", "features": []}

    def payload(self) -> JSON:
        """The GUILD_CREATE payload."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "max_members": 500_000,
            "max_video_channel_users": 25,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [role.payload() for role in self.roles.values()],
            "channels": [channel.payload() for channel in self.channels.values()],
            "members": [member.payload() for member in self.members.values()],
            "member_count": len(self.members),
            "joined_at": iso(self.joined_at),
            "large": False,
            "unavailable": False,
            "lazy": True,
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart/form-data request."""

    field: str
    filename: str
    data: bytes
    content_type: str | None


@dataclass
class StoredAttachment:
    id: int
    channel_id: int
    filename: str
    data: bytes
    content_type: str | None
    description: str | None = None

    def payload(self) -> JSON:
        url = f"{CDN}/attachments/{self.channel_id}/{self.id}/{self.filename}"
        data: JSON = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": url,
            "proxy_url": url,
        }
        if self.content_type is not None:
            data["content_type"] = self.content_type
        if self.description is not None:
            data["description"] = self.description
        return data


@dataclass
class MessageEdit:
    """One PATCH of a message: the body sent and what the message looked like before it."""

    at: datetime
    payload: JSON
    before_content: str
    before_embeds: list[JSON]


@dataclass
class StoredMessage:
    id: int
    channel_id: int
    guild_id: int | None
    author: FakeUser
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    allowed_mentions: JSON | None = None
    nonce: str | None = None
    enforce_nonce: bool = False
    tts: bool = False
    flags: int = 0
    components: list[JSON] = field(default_factory=list)
    attachments: list[StoredAttachment] = field(default_factory=list)
    message_reference: JSON | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    edited_at: datetime | None = None
    edits: list[MessageEdit] = field(default_factory=list)
    deleted: bool = False
    request_payload: JSON = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "type": 0 if self.interaction_id is None else 20,  # 20: CHAT_INPUT_COMMAND reply
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": iso(self.created_at),
            "edited_timestamp": None if self.edited_at is None else iso(self.edited_at),
            "tts": self.tts,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [attachment.payload() for attachment in self.attachments],
            "embeds": self.embeds,
            "pinned": False,
            "flags": self.flags,
            "components": self.components,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(self.webhook_id)
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        return data


@dataclass
class InteractionCallback:
    """A POST /interactions/{id}/{token}/callback: type 4 message, 5 deferred, 6/7 component,
    8 autocomplete result, 9 modal."""

    type: int
    data: JSON | None
    files: list[UploadedFile]
    at: datetime = field(default_factory=utcnow)


@dataclass
class FakeInteraction:
    """An interaction the server dispatched, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: JSON
    channel_id: int
    guild_id: int
    user: FakeUser
    callbacks: list[InteractionCallback] = field(default_factory=list)
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)

    @property
    def responded(self) -> bool:
        return bool(self.callbacks)

    @property
    def response(self) -> InteractionCallback | None:
        return self.callbacks[0] if self.callbacks else None


@dataclass
class RecordedRequest:
    method: str
    path: str
    route: str | None  # discord.py's Route.key, e.g. "POST /channels/{channel_id}/messages"; None if unknown
    query: dict[str, str]
    body: Any
    status: int = 0
    at: datetime = field(default_factory=utcnow)


@dataclass
class Fault:
    """An injected failure. ``route`` is a Route.key ("POST /channels/{channel_id}/messages") or None for all
    REST. ``remaining`` None means until cleared. With ``after_processing`` the request takes effect (the
    message is stored) and the error is answered anyway, like a gateway timeout after the write."""

    status: int
    route: str | None = None
    remaining: int | None = 1
    retry_after: float = 0.05
    global_rate_limit: bool = False
    after_processing: bool = False
    hits: int = 0

    def matches(self, route: str) -> bool:
        return self.route is None or self.route == route
