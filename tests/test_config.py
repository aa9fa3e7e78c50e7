"""Settings: documented, validated, and the token never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SETTINGS, load_settings
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented_in_env_example():
    documented = (REPO / ".env.example").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"\n{setting.env}=" in documented, f"{setting.env} missing from .env.example"


def test_environment_overrides_file_and_defaults(tmp_path):
    config = tmp_path / "briefbot.yaml"
    config.write_text("command_prefix: '?'\nbm25_k1: 1.5\n", encoding="utf-8")
    settings = load_settings(config, {"BRIEFBOT_BM25_K1": "0.9"})
    assert settings.command_prefix == "?"
    assert settings.bm25_k1 == 0.9
    assert settings.bm25_b == 0.75


def test_invalid_values_name_the_setting_and_where_it_came_from():
    with pytest.raises(ConfigError, match=r"bm25_k1 .*BRIEFBOT_BM25_K1.*'fast'"):
        load_settings(None, {"BRIEFBOT_BM25_K1": "fast"})


def test_unknown_keys_and_tokens_in_the_settings_file_are_refused(tmp_path):
    config = tmp_path / "briefbot.yaml"
    config.write_text("comand_prefix: '?'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'comand_prefix'"):
        load_settings(config, {})
    config.write_text("discord_token: abc\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not in a file"):
        load_settings(config, {})


def test_the_token_is_not_in_the_settings_repr():
    settings = load_settings(None, {"DISCORD_TOKEN": "MTIz.secret.token"})
    assert settings.discord_token == "MTIz.secret.token"
    assert "secret" not in repr(settings)
