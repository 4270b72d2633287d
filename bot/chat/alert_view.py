"""What an alert shows, as plain data: the Discord layer turns it into an embed, the console into text.
Pure: feed text is escaped here so it can neither ping anyone nor break the embed's markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.chat.links import safe_link
from bot.matcher.summary import toll_text
from bot.models import IncidentFacts, Site

# Discord embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
TOTAL_LIMIT = 6000
MAX_SOURCES_SHOWN = 10
EVIDENCE_LIMIT = 300  # the quote says why the alert fired; the summary above tells the rest

# Colours by severity: deaths red, wounded orange, otherwise amber.
COLOUR_KILLED = 0xC0392B
COLOUR_WOUNDED = 0xE67E22
COLOUR_NO_TOLL = 0xF1C40F
COLOUR_CLOSED = 0x95A5A6  # merged into another incident, or withdrawn

_MARKDOWN = re.compile(r"([\\*_`~|\[\]])")  # emphasis, code, spoilers, masked links
_LINE_START = re.compile(r"^(\s*)([>#-]|\d+\.)", re.M)  # quotes, headers, lists
_MASKED_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\([^)\s]*\)")
_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)(\d+)>")


@dataclass(frozen=True, slots=True)
class AlertView:
    title: str
    description: str
    fields: tuple[tuple[str, str], ...]
    colour: int
    footer: str
    url: str | None


def escape_feed_text(text: str) -> str:
    """Feed text inside an embed: markdown characters escaped, mentions defused with a zero-width space."""
    text = _MENTION.sub(lambda m: m.group(0).replace("@", "@\u200b").replace("<", "<\u200b"), text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), _MARKDOWN.sub(r"\\\1", text))


def evidence_quote(sentence: str, limit: int = EVIDENCE_LIMIT) -> str:
    """The deciding sentence on one line, quoted, escaped like all feed text, within Discord's field limit."""
    # Clip the plain text, so that the cut never splits an escape; the last clip guards a large `limit`.
    text = _clip(" ".join(sentence.split()), min(limit, FIELD_VALUE_LIMIT) - 2)
    return _clip(f"“{escape_feed_text(text)}”", FIELD_VALUE_LIMIT)


def incident_footer(incident_id: int) -> str:
    """The footer carries the incident id: after a crash the bot finds its own post by it."""
    return f"SiteWatch incident #{incident_id}"


def render_alert(incident_id: int, facts: IncidentFacts, site: Site, *, updated: bool) -> AlertView:
    when = facts.day.isoformat() if facts.day else "date unknown"
    fields: list[tuple[str, str]] = [
        ("Site", _clip(f"{site.name} ({site.country})", FIELD_VALUE_LIMIT)),
        ("When (local day)", when),
        ("Weapons", ", ".join(facts.weapons) or "not stated"),
        ("Killed / wounded", _figures(facts.killed, facts.wounded)),
    ]
    if facts.claim:
        fields.append(("Claimed by", _clip(escape_feed_text(facts.claim), FIELD_VALUE_LIMIT)))
    if facts.evidence:
        fields.append(("Evidence", evidence_quote(facts.evidence)))
    sources = [_source_line(n, s.feed, s.title, s.url)
               for n, s in enumerate(facts.sources[:MAX_SOURCES_SHOWN], start=1)]
    if len(facts.sources) > MAX_SOURCES_SHOWN:
        sources.append(f"… and {len(facts.sources) - MAX_SOURCES_SHOWN} more")
    fields.append((f"Sources ({len(facts.sources)})", _clip_lines(sources, FIELD_VALUE_LIMIT)))
    description = escape_feed_text(facts.summary)
    if updated:
        description = f"*Updated: {len(facts.sources)} sources, {_figures(facts.killed, facts.wounded)}.*\n\n" \
                      + description
    colour = COLOUR_KILLED if facts.killed else COLOUR_WOUNDED if facts.wounded else COLOUR_NO_TOLL
    title = escape_feed_text(facts.title)
    if facts.status == "merged":
        # Never deleted in silence: the alert says where its sources went.
        title = f"Merged into #{facts.merged_into}: {title}"
        description = (f"*Merged into incident #{facts.merged_into}: later reports showed this was the same "
                       f"attack. That alert carries every source from now on.*\n\n{description}")
        colour = COLOUR_CLOSED
    elif facts.status == "withdrawn":
        title = f"Withdrawn: {title}"
        description = ("*Withdrawn: the stories that reported this attack were corrected or retracted, and no "
                       f"report of it is left.*\n\n{description}")
        colour = COLOUR_CLOSED
    view = AlertView(
        title=_clip(title, TITLE_LIMIT),
        description=_clip(description, DESCRIPTION_LIMIT),
        fields=tuple(fields), colour=colour, footer=incident_footer(incident_id),
        url=safe_link(facts.sources[0].url) if facts.sources else None,
    )
    return _within_total(view)


def has_casualties(facts: IncidentFacts) -> bool:
    return bool(facts.killed) or bool(facts.wounded)


def _figures(killed: int | None, wounded: int | None) -> str:
    if killed is None and wounded is None:
        return "not stated"
    if killed == 0 and wounded == 0:
        return toll_text(0, 0)
    return f"{'?' if killed is None else killed} killed, {'?' if wounded is None else wounded} wounded"


def _source_line(number: int, feed: str, title: str, url: str) -> str:
    link = safe_link(url)
    if link is None:  # a relative, javascript: or malformed link is shown as text, never as a link
        return f"{number}. {escape_feed_text(feed)}: {escape_feed_text(title)}"
    return f"{number}. [{_link_text(feed)}: {_link_text(title)}]({link})"


def _link_text(text: str) -> str:
    return escape_feed_text(text).replace("\n", " ")[:120]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _clip_lines(lines: list[str], limit: int) -> str:
    kept: list[str] = []
    for line in lines:
        if sum(len(k) + 1 for k in kept) + len(line) > limit - 20:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join(kept)


def _within_total(view: AlertView) -> AlertView:
    """Discord refuses an embed over 6,000 characters in all: shorten the description first."""
    size = len(view.title) + len(view.footer) + sum(len(k) + len(v) for k, v in view.fields)
    room = TOTAL_LIMIT - size - 10
    if len(view.description) > room:
        return AlertView(view.title, _clip(view.description, max(room, 0)), view.fields, view.colour, view.footer,
                         view.url)
    return view


def without_links(view: AlertView) -> AlertView:
    """The alert with nothing taken from feed links: no embed url, sources as plain text. Sent when Discord
    refuses the full alert, so the alert itself is never lost to one bad link."""
    fields = tuple((name, _MASKED_LINK.sub(r"\1", value)) for name, value in view.fields)
    return AlertView(view.title, view.description, fields, view.colour, view.footer, None)


def view_as_text(view: AlertView) -> str:
    lines = [view.title, view.description]
    lines += [f"{name}: {value}" for name, value in view.fields]
    lines.append(view.footer)
    return "\n".join(line for line in lines if line)
