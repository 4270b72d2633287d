"""Alerts into Discord through discord.py's HTTP client: post with a nonce (enforce_nonce), edit in place,
find an earlier post by the incident id in its footer."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
from discord.http import Route

from bot.chat.alert_view import AlertView, incident_footer
from bot.chat.delivery import DeliveryRejected, DeliveryUnavailable, MessageGone, Outgoing

# How far back in a channel to look for an earlier post of an incident after a crash.
RECENT_MESSAGES_CHECKED = 100


def embed_payload(view: AlertView) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "title": view.title,
        "description": view.description,
        "color": view.colour,
        "fields": [{"name": name, "value": value, "inline": name != "Sources" and not name.startswith("Sources")}
                   for name, value in view.fields],
        "footer": {"text": view.footer},
    }
    if view.url:
        embed["url"] = view.url
    return embed


def message_payload(outgoing: Outgoing) -> dict[str, Any]:
    # Text from feeds can never ping: nothing is parsed for mentions; only the configured role is allowed.
    allowed: dict[str, Any] = {"parse": []}
    payload: dict[str, Any] = {"embeds": [embed_payload(outgoing.view)], "allowed_mentions": allowed}
    if outgoing.mention_role_id:
        payload["content"] = f"<@&{outgoing.mention_role_id}>"
        allowed["roles"] = [str(outgoing.mention_role_id)]
    else:
        payload["content"] = ""
    return payload


class DiscordSink:
    def __init__(self, http: discord.http.HTTPClient, *, admin_channel_id: int | None, bot_user_id: int | None) -> None:
        self._http = http
        self._admin_channel_id = admin_channel_id
        self._bot_user_id = bot_user_id

    async def post(self, outgoing: Outgoing, nonce: str) -> int:
        payload = message_payload(outgoing) | {"nonce": nonce, "enforce_nonce": True}
        data = await self._call(Route("POST", "/channels/{channel_id}/messages", channel_id=outgoing.channel_id),
                                payload)
        return int(data["id"])

    async def edit(self, outgoing: Outgoing, message_id: int) -> None:
        route = Route("PATCH", "/channels/{channel_id}/messages/{message_id}", channel_id=outgoing.channel_id,
                      message_id=message_id)
        try:
            await self._call(route, message_payload(outgoing))
        except DeliveryRejected as error:
            if error.status == 404:
                raise MessageGone(str(error)) from error
            raise

    async def find_posted(self, channel_id: int, incident_id: int) -> int | None:
        footer = incident_footer(incident_id)
        route = Route("GET", "/channels/{channel_id}/messages", channel_id=channel_id)
        messages = await self._call(route, None, params={"limit": RECENT_MESSAGES_CHECKED})
        for message in messages:
            author = (message.get("author") or {}).get("id")
            if self._bot_user_id is not None and author is not None and int(author) != self._bot_user_id:
                continue
            if any((embed.get("footer") or {}).get("text") == footer for embed in message.get("embeds") or []):
                return int(message["id"])
        return None

    async def announce(self, text: str) -> None:
        if self._admin_channel_id is None:
            return
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=self._admin_channel_id)
        await self._call(route, {"content": text[:2000], "allowed_mentions": {"parse": []}})

    async def _call(self, route: Route, payload: dict[str, Any] | None, **kwargs: Any) -> Any:
        try:
            if payload is None:
                return await self._http.request(route, **kwargs)
            return await self._http.request(route, json=payload, **kwargs)
        except discord.HTTPException as error:
            if 400 <= error.status < 500 and error.status != 429:
                raise DeliveryRejected(error.status, error.text[:200]) from error
            # 5xx after discord.py's own retries, 429 beyond its patience, 403 from a missing permission:
            # the alert stays in the outbox and is retried with backoff.
            raise DeliveryUnavailable(f"Discord answered {error.status}: {error.text[:200]}") from error
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise DeliveryUnavailable(f"Discord unreachable: {type(error).__name__}: {error}") from error
