"""Many small feeds for the many-workers tests and benchmark: mostly ordinary news, and a few attacks, each
reported by several outlets in several wordings (and copied word for word by some)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Attack:
    site: str  # as the news names it
    weapon: str
    day: str  # RFC 822 date, without the time
    weekday: str


ATTACKS = (
    Attack("Ain al-Asad air base", "Three rockets", "Mon, 05 Jul 2021", "Monday"),
    Attack("Erbil airport", "An explosive-laden drone", "Tue, 06 Jul 2021", "Tuesday"),
    Attack("Camp Taji", "Two rockets", "Wed, 07 Jul 2021", "Wednesday"),
    Attack("Balad Air Base", "Four rockets", "Thu, 08 Jul 2021", "Thursday"),
    Attack("Al-Tanf Garrison", "A drone", "Fri, 09 Jul 2021", "Friday"),
    Attack("Harir Air Base", "Two drones", "Sat, 10 Jul 2021", "Saturday"),
)
WORDINGS = (
    ("{weapon} hit {site}", "{weapon} struck {site} on {weekday}, the coalition said. No one was hurt."),
    ("{site} attacked", "{site} was attacked on {weekday} by {weapon_lower}, security sources said."),
    ("Attack on {site}", "{weapon} targeted {site} on {weekday}, officials told reporters."),
)
OUTLETS_PER_ATTACK = 5  # the last two copy the first word for word


def attack_item(attack: Attack, outlet: int) -> str:
    title, text = WORDINGS[0 if outlet >= len(WORDINGS) else outlet]
    fields = {"weapon": attack.weapon, "weapon_lower": attack.weapon.lower(), "site": attack.site,
              "weekday": attack.weekday}
    slug = f"{attack.site.lower().replace(' ', '-')}-{outlet}"
    hour = 10 + outlet
    return (f"<item><title>{title.format(**fields)}</title><link>https://outlet{outlet}.example/{slug}</link>"
            f"<guid>{slug}</guid><pubDate>{attack.day} {hour}:00:00 GMT</pubDate>"
            f"<description>{text.format(**fields)}</description></item>")


def ordinary_item(feed: int, entry: int) -> str:
    topics = ("Markets rose as investors weighed the central bank's outlook",
              "The home side won the derby after a late goal",
              "Parliament debated the budget late into the night",
              "A new bridge opened to traffic after three years of work")
    topic = topics[(feed + entry) % len(topics)]
    return (f"<item><title>{topic} ({feed}-{entry})</title><link>https://daily{feed}.example/{entry}</link>"
            f"<guid>daily-{feed}-{entry}</guid><pubDate>Sun, 04 Jul 2021 0{entry % 10}:00:00 GMT</pubDate>"
            f"<description>{topic}, reporters said on Sunday. Story {entry} of feed {feed}.</description></item>")


def feed_documents(count: int, *, ordinary_per_feed: int = 3) -> dict[str, bytes]:
    """`count` feeds by path: the attacks' reports are spread over the first feeds, one report to a feed."""
    reports = [attack_item(attack, outlet) for outlet in range(OUTLETS_PER_ATTACK) for attack in ATTACKS]
    documents = {}
    for number in range(count):
        items = [ordinary_item(number, entry) for entry in range(ordinary_per_feed)]
        if number < len(reports):
            items.append(reports[number])
        documents[f"/feed-{number:05d}.xml"] = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {number}</title>'
            f"{''.join(items)}</channel></rss>").encode()
    return documents


def write_documents(documents: dict[str, bytes], folder: Path) -> list[str]:
    """The same documents as files, for a replay."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for path, body in documents.items():
        target = folder / path.lstrip("/")
        target.write_bytes(body)
        paths.append(str(target))
    return paths
