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
     "duplicate site id 'a'"),
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
