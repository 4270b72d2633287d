from datetime import date

import pytest

from bot.chat.alert_view import (
    DESCRIPTION_LIMIT,
    EVIDENCE_LIMIT,
    FIELD_VALUE_LIMIT,
    TOTAL_LIMIT,
    escape_feed_text,
    render_alert,
    view_as_text,
    without_links,
)
from bot.chat.links import safe_link
from bot.models import IncidentFacts, Site, Source

SITE = Site("ain-al-asad", "Ain al-Asad Air Base", (), "IQ", 33.8, 42.4, "Asia/Baghdad")


def facts(**changes: object) -> IncidentFacts:
    base = dict(site_id=SITE.id, day=date(2021, 3, 3), weapons=("rocket",), killed=None, wounded=2, claim=None,
                title="Rocket attack on Ain al-Asad Air Base (IQ), 2021-03-03: 2 wounded",
                summary="Rockets hit the base.", sources=(Source("https://w.example/a", "Wire", "Rockets hit"),))
    base.update(changes)
    return IncidentFacts(**base)  # type: ignore[arg-type]


def test_feed_text_cannot_ping_or_break_markdown() -> None:
    text = escape_feed_text("@everyone look **here** <@123> [click](http://x)")
    assert "@everyone" not in text and "<@123>" not in text and "**" not in text and "[click]" not in text


def test_footer_carries_the_incident_id() -> None:
    assert render_alert(42, facts(), SITE, updated=False).footer == "SiteWatch incident #42"


def test_huge_summaries_and_source_lists_fit_discords_limits() -> None:
    many = tuple(Source(f"https://w.example/{i}", "Wire " * 20, "Title " * 40) for i in range(60))
    view = render_alert(1, facts(summary="word " * 3000, sources=many), SITE, updated=True)
    size = len(view.title) + len(view.description) + len(view.footer) + sum(len(k) + len(v) for k, v in view.fields)
    assert len(view.description) <= DESCRIPTION_LIMIT and size <= TOTAL_LIMIT
    assert all(len(value) <= 1024 for _, value in view.fields)


def test_colour_by_severity() -> None:
    assert render_alert(1, facts(killed=3), SITE, updated=False).colour != render_alert(
        1, facts(killed=None, wounded=None), SITE, updated=False).colour


@pytest.mark.parametrize(("link", "expected"), [
    ("https://news.example/a?b=1#c", "https://news.example/a?b=1#c"),
    ("  HTTP://News.example/a  ", "HTTP://News.example/a"),
    ("/relative/path", None), ("javascript:alert(1)", None), ("http://", None), ("mailto:a@b.example", None),
    ("http://[::1", None), ("", None), (None, None),
    ("https://x.example/a)[b](c)<d>", "https://x.example/a%29%5Bb%5D%28c%29%3Cd%3E"),
    ("https://x.example/" + "a" * 3000, None),
])
def test_safe_link_keeps_only_absolute_web_links_that_cannot_close_a_masked_link(
        link: str | None, expected: str | None) -> None:
    assert safe_link(link) == expected


def test_without_links_keeps_the_alert_and_drops_every_feed_link() -> None:
    shown = facts(sources=(Source("https://a.example/x", "Wire", "Rockets [hit] base"),))
    view = without_links(render_alert(1, shown, SITE, updated=False))
    assert view.url is None
    sources = dict(view.fields)["Sources (1)"]
    assert "a.example" not in sources and "Wire" in sources and "\\[hit\\]" in sources


def shown(view_facts: IncidentFacts) -> dict[str, str]:
    return dict(render_alert(1, view_facts, SITE, updated=False).fields)


def test_alert_quotes_the_sentence_that_reported_the_attack() -> None:
    fields = shown(facts(evidence="Three rockets struck Ain al-Asad air base on Wednesday, officials said."))
    assert fields["Evidence"] == "“Three rockets struck Ain al-Asad air base on Wednesday, officials said.”"
    assert list(fields).index("Evidence") < list(fields).index("Sources (1)")


def test_alert_without_evidence_has_no_evidence_field() -> None:
    assert "Evidence" not in shown(facts())


def test_evidence_is_escaped_and_cannot_ping() -> None:
    value = shown(facts(evidence="@everyone rockets **hit** <@123> the [base](http://x)\n> quoted"))["Evidence"]
    assert "@everyone" not in value and "<@123>" not in value and "**" not in value and "[base]" not in value
    assert "\n" not in value  # one line, so no feed line can start a quote or a header


def test_long_evidence_is_trimmed_within_discords_field_limit() -> None:
    value = shown(facts(evidence="Rockets hit the base " + "and *more* " * 500))["Evidence"]
    assert len(value) <= FIELD_VALUE_LIMIT and len(value) <= 2 * EVIDENCE_LIMIT
    assert value.endswith("”") and "…" in value


def test_console_output_shows_the_evidence_too() -> None:
    view = render_alert(1, facts(evidence="Rockets hit the base."), SITE, updated=False)
    assert "Evidence: “Rockets hit the base.”" in view_as_text(view).splitlines()
