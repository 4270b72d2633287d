from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.errors import ConfigError
from tests.conftest import ROOT


def test_default_config_is_a_real_watchlist() -> None:
    config = load_config(ROOT / "config.yaml")
    assert len(config.sites) >= 20
    assert {s.country for s in config.sites} >= {"IQ", "SY", "JO"}
    assert all(s.timezone != "UTC" for s in config.sites)
    assert config.feeds


@pytest.mark.parametrize(("text", "expected"), [
    ("sites:\n  - {id: a, name: A, aliases: [], country: Iraq, lat: 1, lon: 2}", "line 2: sites.0.country"),
    ("sites:\n  - id: a\n    name: A\n    country: IQ\n    lat: 100\n    lon: 2", "line 5: sites.0.lat"),
    ("sites:\n  - {id: a, name: A, country: IQ, lat: 1, lon: 2, timezone: Mars/Base}", "sites.0.timezone"),
    ("sites:\n  - {id: a, name: A, country: IQ, lat: 1, lon: 2, colour: red}", "sites.0.colour"),
    ("sites:\n  - {id: a, name: A, country: IQ, lat: 1, lon: 2}\n  - {id: a, name: B, country: IQ, lat: 1, lon: 2}",
     "line 3: sites.1.id: duplicate site id 'a' (first at sites.0)"),
    ("sites: []", "sites"),
    ("feeds: []", "sites: Field required"),
    ("sites: [", "not valid YAML"),
    ("- just\n- a list", "expected a mapping"),
    ("sites:\n  - {id: a, name: A, country: IQ, lat: 1, lon: 2}\nfeeds:\n  - {url: ftp://x}", "line 4: feeds.0.url"),
])
def test_bad_config_names_the_key_and_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "test.yaml")
    assert expected in str(error.value)
    assert str(error.value).startswith("test.yaml")


ONE_SITE = "sites:\n  - {id: a, name: A, country: IQ, lat: 1, lon: 2}\n"


@pytest.mark.parametrize(("text", "expected"), [
    (ONE_SITE + "discord: 5\n", "test.yaml: line 3: discord: must be a mapping"),
    (ONE_SITE + "discord: []\n", "test.yaml: line 3: discord: must be a mapping"),
], ids=["number", "list"])
def test_discord_that_is_not_a_mapping_is_one_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "test.yaml")
    assert str(error.value).startswith(expected)


@pytest.mark.parametrize("value", ['"x"', '"my-bot-token"'])
def test_discord_as_a_string_says_it_must_be_a_mapping_not_that_it_is_a_token(value: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(ONE_SITE + f"discord: {value}\n", "test.yaml")
    assert str(error.value).startswith("test.yaml: line 3: discord: must be a mapping")
    assert "not str" in str(error.value)


def test_empty_feeds_and_discord_blocks_set_nothing() -> None:
    config = parse_config(ONE_SITE + "feeds:\n  # - {url: 'https://a.example/rss'}\ndiscord:\n")
    assert config.feeds == [] and config.discord.alert_channel_id is None


@pytest.mark.parametrize(("text", "expected"), [
    ("sites: []\n" + ONE_SITE, "test.yaml: line 2: duplicate key 'sites' (first on line 1)"),
    ("sites:\n  - id: a\n    name: A\n    name: B\n    country: IQ\n    lat: 1\n    lon: 2\n",
     "test.yaml: line 4: duplicate key 'name' (first on line 3)"),
    (ONE_SITE + "discord:\n  alert_channel_id: 1\n  alert_channel_id: 2\n",
     "test.yaml: line 5: duplicate key 'alert_channel_id' (first on line 4)"),
], ids=["top", "in-a-site", "in-discord"])
def test_duplicate_yaml_keys_are_refused_with_their_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "test.yaml")
    assert str(error.value) == expected


def test_yaml_merge_keys_may_override_without_counting_as_duplicates() -> None:
    text = "sites:\n  - &a {id: a, name: A, country: IQ, lat: 1, lon: 2}\n  - {<<: *a, id: b, name: B, lat: 3}\n"
    assert [(s.id, s.lat) for s in parse_config(text).sites] == [("a", 1), ("b", 3)]


def test_unknown_site_id_in_site_channels_names_key_and_line() -> None:
    text = ONE_SITE + "discord:\n  alert_channel_id: 1\n  site_channels:\n    a: 2\n    ain-al-assad: 3\n"
    with pytest.raises(ConfigError) as error:
        parse_config(text, "test.yaml")
    assert str(error.value) == ("test.yaml: line 7: discord.site_channels.ain-al-assad: no site has the id "
                                "'ain-al-assad'")


def test_duplicate_feed_url_names_key_and_line() -> None:
    text = ONE_SITE + "feeds:\n  - {url: 'https://a.example/rss'}\n  - {url: 'https://a.example/rss', name: A}\n"
    with pytest.raises(ConfigError) as error:
        parse_config(text, "test.yaml")
    assert str(error.value) == "test.yaml: line 5: feeds.1.url: duplicate feed URL (first at feeds.0)"


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_metrics_port_out_of_range_names_key_and_line(port: str) -> None:
    with pytest.raises(ConfigError, match=r"^test.yaml: line 3: metrics_port: Input should be"):
        parse_config(ONE_SITE + f"metrics_port: {port}\n", "test.yaml")


def test_metrics_port_in_range_is_accepted() -> None:
    assert parse_config(ONE_SITE + "metrics_port: 65535\n").metrics_port == 65535


def test_non_utf8_file_is_one_line_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(ONE_SITE.encode() + b"feeds:\n  - {url: 'https://a.example/rss', name: Caf\xe9}\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: line 4: not UTF-8 text (byte 0xe9): save the file as UTF-8"


def test_no_route_for_discord_names_alert_channel_id() -> None:
    config = parse_config(ONE_SITE + "  - {id: b, name: B, country: SY, lat: 1, lon: 2}\n"
                          "discord:\n  country_channels: {SY: 5}\n")
    assert config.unrouted_site_ids() == ["a"]
    problem = config.discord_route_problem()
    assert problem is not None and problem.startswith("discord.alert_channel_id is not set and 1 sites")
    assert "(a)" in problem


def test_every_site_routed_or_a_default_channel_is_enough_for_discord() -> None:
    routed = parse_config(ONE_SITE + "discord:\n  site_channels: {a: 5}\n")
    default = parse_config(ONE_SITE + "discord:\n  alert_channel_id: 7\n")
    assert routed.discord_route_problem() is None and default.discord_route_problem() is None


def test_parsing_a_big_watchlist_runs_no_garbage_collection() -> None:
    """Not timed: the collector walking every young node again and again made 50,000 sites take minutes
    (scripts/bench_config.py prints the times). The parse now runs with it paused, and restores it."""
    import gc

    from bot.config import _compose_and_load

    text = "sites:\n" + "".join(f"  - {{id: s{n}, name: S {n}, country: IQ, lat: 1, lon: 2}}\n" for n in range(2000))
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        _node, data = _compose_and_load(text)
    finally:
        gc.callbacks.remove(count)
    assert len(data["sites"]) == 2000
    assert len(collections) <= 1  # one may fall due on the call itself; with the collector running, ~100 do
    assert gc.isenabled()


def test_token_in_the_file_is_refused() -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        parse_config("token: abc\nsites:\n  - {id: a, name: A, country: IQ, lat: 1, lon: 2}")


def test_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config("sites:\n  - {id: a, name: A, country: IQ, lat: 1, lon: 2}")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert config.discord_token is None
    monkeypatch.setenv("DISCORD_TOKEN", "secret")
    assert config.discord_token == "secret"


def test_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "nope.yaml")
