"""Slash commands: parse the arguments, call a handler (handlers/), send its Answer. Errors from handlers
become one private (ephemeral) line; anything unexpected is logged and answered politely."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import CommandError
from handlers import feeds as feed_commands
from handlers import incidents as incident_commands
from handlers import search as search_commands
from handlers import sites as site_commands
from handlers import status as status_commands
from handlers import track as track_commands
from handlers.answers import Answer

if TYPE_CHECKING:
    from bot.chat.host import ChatHost

log = logging.getLogger("sitewatch.commands")
ANSWER_COLOUR = 0x34495E


class AdminGroup(app_commands.Group):
    """Commands for members with Manage Server. `default_permissions` only hides them: a server admin can
    open them to others in Integrations, and a stale sync keeps old defaults. So every call checks the
    member's permission again, before the command runs; a refusal changes nothing."""

    def __init__(self, *, name: str, description: str) -> None:
        super().__init__(name=name, description=description, guild_only=True,
                         default_permissions=discord.Permissions(manage_guild=True))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if not interaction.permissions.manage_guild:
            log.info("event=command_refused command=%s user=%s reason=no_manage_guild",
                     interaction.command and interaction.command.qualified_name, interaction.user.id)
            raise app_commands.MissingPermissions(["manage_guild"])
        return True


class Pages(discord.ui.View):
    """Previous / next buttons over an answer's pages, for the person who asked."""

    def __init__(self, answer: Answer, owner_id: int) -> None:
        super().__init__(timeout=300)
        self.answer = answer
        self.owner_id = owner_id
        self.page = 0

    def embed(self) -> discord.Embed:
        embed = discord.Embed(title=self.answer.title[:256], description=self.answer.pages[self.page],
                              colour=self.answer.colour or ANSWER_COLOUR)
        if len(self.answer.pages) > 1:
            embed.set_footer(text=f"Page {self.page + 1}/{len(self.answer.pages)}")
        return embed

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Pages]) -> None:
        self.page = (self.page - 1) % len(self.answer.pages)
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Pages]) -> None:
        self.page = (self.page + 1) % len(self.answer.pages)
        await interaction.response.edit_message(embed=self.embed(), view=self)


async def send_answer(interaction: discord.Interaction, answer: Answer) -> None:
    pages = Pages(answer, interaction.user.id)
    kwargs: dict[str, object] = {"embed": pages.embed(), "ephemeral": answer.ephemeral,
                                 "allowed_mentions": discord.AllowedMentions.none()}
    if len(answer.pages) > 1:
        kwargs["view"] = pages
    if answer.file:
        name, data = answer.file
        kwargs["file"] = discord.File(io.BytesIO(data), filename=name)
        pages_embed = kwargs["embed"]
        assert isinstance(pages_embed, discord.Embed)
        pages_embed.set_image(url=f"attachment://{name}")
    await interaction.response.send_message(**kwargs)  # type: ignore[arg-type]


def register_commands(tree: app_commands.CommandTree[discord.Client], service: ChatHost) -> None:
    def sites() -> list:
        return list(service.gazetteer.sites.values())

    def today() -> object:
        return service.clock().date()

    async def site_choices(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name[:100], value=site_id)
                for name, site_id in site_commands.autocomplete(sites(), current)]

    @tree.command(name="recent", description="Incidents of the last days, for one site or all")
    @app_commands.describe(site="A tracked site (any spelling)", days="How many days back (default 7)")
    @app_commands.autocomplete(site=site_choices)
    async def recent(interaction: discord.Interaction, site: str | None = None, days: int = 7) -> None:
        await send_answer(interaction, incident_commands.recent(service.store, sites(), today=today(),  # type: ignore[arg-type]
                                                                site_query=site, days=days))

    @tree.command(name="site", description="A tracked site: its last incidents and a weekly chart")
    @app_commands.describe(name="The site's name, in any spelling")
    @app_commands.autocomplete(name=site_choices)
    async def site(interaction: discord.Interaction, name: str) -> None:
        await send_answer(interaction, site_commands.site(service.store, sites(), name, today=today()))  # type: ignore[arg-type]

    @tree.command(name="incident", description="One incident with all its sources")
    @app_commands.describe(id="The incident number, as in an alert's footer")
    async def incident(interaction: discord.Interaction, id: int) -> None:
        await send_answer(interaction, incident_commands.incident(service.store, sites(), id))

    @tree.command(name="sites", description="Every tracked site")
    async def list_sites(interaction: discord.Interaction) -> None:
        await send_answer(interaction, site_commands.list_sites(sites()))

    @tree.command(name="search", description="Search the stored stories")
    @app_commands.describe(words="Words that must all appear")
    async def search(interaction: discord.Interaction, words: str) -> None:
        await send_answer(interaction, search_commands.search(service.store, words))

    @tree.command(name="status", description="Feeds, their health, the outbox")
    async def status(interaction: discord.Interaction) -> None:
        await send_answer(interaction, status_commands.status(service.store, now=service.clock(),
                                                              started_at=service.started_at,
                                                              sites_count=len(sites())))

    feeds_group = AdminGroup(name="feeds", description="The feeds SiteWatch polls")
    track_group = AdminGroup(name="track", description="The sites SiteWatch tracks")

    @feeds_group.command(name="list", description="The feeds being polled")
    async def feeds_list(interaction: discord.Interaction) -> None:
        await send_answer(interaction, feed_commands.list_feeds(service.store))

    @feeds_group.command(name="add", description="Poll a new feed (fetched and checked once first)")
    @app_commands.describe(url="The feed's http(s) URL", name="A name to show for it")
    async def feeds_add(interaction: discord.Interaction, url: str, name: str | None = None) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await feed_commands.add_feed(service.store, url, name=name, check_url=service.check_feed_url,
                                            fetch_bytes=service.fetch_feed_bytes)
        await interaction.followup.send(answer.pages[0], ephemeral=True)

    @feeds_group.command(name="remove", description="Stop polling a feed")
    async def feeds_remove(interaction: discord.Interaction, url: str) -> None:
        await send_answer(interaction, feed_commands.remove_feed(service.store, url))

    @track_group.command(name="add", description="Track a new site")
    @app_commands.describe(id="lower-case-id", name="Its name", country="ISO 3166-1 alpha-2, e.g. IQ",
                           lat="Latitude", lon="Longitude", aliases="Other names, separated by ;",
                           timezone="IANA time zone, e.g. Asia/Baghdad")
    async def track_add(interaction: discord.Interaction, id: str, name: str, country: str, lat: float, lon: float,
                        aliases: str = "", timezone: str = "UTC") -> None:
        answer = track_commands.track_add(
            service.store, service.config.site_records(), id=id, name=name, country=country, lat=lat, lon=lon,
            aliases=[a.strip() for a in aliases.split(";") if a.strip()], timezone=timezone,
            by=str(interaction.user.id), now=service.clock())
        service.reload_sites()
        await send_answer(interaction, answer)

    @track_group.command(name="remove", description="Stop tracking a site")
    @app_commands.autocomplete(id=site_choices)
    async def track_remove(interaction: discord.Interaction, id: str) -> None:
        answer = track_commands.track_remove(service.store, service.config.site_records(), id,
                                             by=str(interaction.user.id), now=service.clock())
        service.reload_sites()
        await send_answer(interaction, answer)

    tree.add_command(feeds_group)
    tree.add_command(track_group)

    @tree.error
    async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, CommandError):
            text = str(cause)
        elif isinstance(cause, app_commands.CheckFailure):
            text = "You need the Manage Server permission for that."
        else:
            log.exception("event=command_failed command=%s", interaction.command and interaction.command.name,
                          exc_info=cause)
            text = "Sorry, that failed on our side; it has been logged."
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
