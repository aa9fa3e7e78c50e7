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


@pytest.mark.parametrize(("line", "allowed"), [
    ("bm25_k1: -3", "a number from 0 to 10"),
    ("cooldown_uses: 0", "a whole number from 1 to 100"),
    ("max_argument_length: -5", "a whole number from 1 to 1000"),
    ("log_level: 5", "one of DEBUG, INFO, WARNING, ERROR"),
    ("cooldown_seconds: [1, 2]", "a number from 0 to 3600"),
    ("cooldown_uses: 2.5", "a whole number"),
    ("bm25_b: true", "a number from 0 to 1"),
    ("command_prefix: 'a b'", "no spaces"),
    ("owner_ids: [12, -4]", "Discord ids"),
    ("discord_api_base: localhost", "a URL"),
])
def test_a_bad_value_in_the_settings_file_names_file_line_key_and_range(tmp_path, line, allowed):
    config = tmp_path / "briefbot.yaml"
    config.write_text(f"# settings\ndata_dir: state\n{line}\n", encoding="utf-8")
    key = line.split(":")[0]
    with pytest.raises(ConfigError) as caught:
        load_settings(config, {})
    message = str(caught.value)
    assert f"setting {key} ({config}:3 ({key}))" in message
    assert allowed in message


@pytest.mark.parametrize(("variable", "value", "allowed"), [
    ("BRIEFBOT_BM25_K1", "-3", "a number from 0 to 10"),
    ("BRIEFBOT_COOLDOWN_USES", "0", "a whole number from 1 to 100"),
    ("BRIEFBOT_MAX_ARGUMENT", "-5", "from 1 to 1000"),
    ("BRIEFBOT_LOG_LEVEL", "5", "one of DEBUG"),
    ("BRIEFBOT_COOLDOWN_SECONDS", "[1, 2]", "a number from 0 to 3600"),
    ("BRIEFBOT_DEV_GUILD", "abc", "a Discord id"),
])
def test_the_environment_gets_the_same_check(variable, value, allowed):
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {variable: value})
    assert f"(environment variable {variable})" in str(caught.value)
    assert allowed in str(caught.value)


def test_dotenv_values_are_checked_with_their_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for setting in SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.delenv("BRIEFBOT_CONFIG", raising=False)
    (tmp_path / ".env").write_text("# local\nBRIEFBOT_PREFIX=?\nBRIEFBOT_COOLDOWN_USES=0\n",
                                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cooldown_uses \(\.env:3 \(BRIEFBOT_COOLDOWN_USES\)\)"
                                          r".*from 1 to 100"):
        load_settings()
    (tmp_path / ".env").write_text("BRIEFBOT_PREFIX=?\nBRIEFBOT_LOG_LEVEL=debug\n",
                                   encoding="utf-8")
    settings = load_settings()
    assert settings.command_prefix == "?" and settings.log_level == "DEBUG"


def test_the_command_line_gets_the_same_check_and_wins(tmp_path):
    config = tmp_path / "briefbot.yaml"
    config.write_text(f"knowledge_dir: {tmp_path / 'other'}\n", encoding="utf-8")
    settings = load_settings(config, {}, {"knowledge_dir": str(tmp_path)})
    assert settings.knowledge_dir == tmp_path
    with pytest.raises(ConfigError, match=r"knowledge_dir \(command line"):
        load_settings(config, {}, {"knowledge_dir": "  "})


def test_an_unknown_key_gets_did_you_mean_with_its_line(tmp_path):
    config = tmp_path / "briefbot.yaml"
    config.write_text("bm25_k1: 1.1\ncooldown_second: 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{config}:2: unknown setting 'cooldown_second' "
                                          r"\(did you mean 'cooldown_seconds'\?\)"):
        load_settings(config, {})


def test_good_values_from_yaml_are_typed_like_the_environment(tmp_path):
    config = tmp_path / "briefbot.yaml"
    config.write_text("bm25_k1: 2\nowner_ids: [1, 2]\ndev_guild_id: 42\nlog_level: warning\n"
                      "cooldown_uses: 5.0\n", encoding="utf-8")
    from_file = load_settings(config, {})
    from_env = load_settings(None, {"BRIEFBOT_BM25_K1": "2", "BRIEFBOT_OWNER_IDS": "1, 2",
                                    "BRIEFBOT_DEV_GUILD": "42", "BRIEFBOT_LOG_LEVEL": "warning",
                                    "BRIEFBOT_COOLDOWN_USES": "5"})
    for name in ("bm25_k1", "owner_ids", "dev_guild_id", "log_level", "cooldown_uses"):
        assert getattr(from_file, name) == getattr(from_env, name)
    assert from_file.owner_ids == (1, 2) and from_file.log_level == "WARNING"
    assert isinstance(from_file.cooldown_uses, int)


def test_a_token_value_is_never_echoed_in_an_error():
    # DISCORD_TOKEN is free text: no value is refused, so nothing of it can reach an error;
    # the settings file refuses it outright (above).
    settings = load_settings(None, {"DISCORD_TOKEN": " MTIz.secret "})
    assert settings.discord_token == "MTIz.secret"


def test_a_key_given_twice_in_the_settings_file_is_refused_with_both_lines(tmp_path):
    config = tmp_path / "briefbot.yaml"
    config.write_text("bm25_k1: 1.1\nlog_level: INFO\nbm25_k1: 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{config}:3: key 'bm25_k1' is given twice "
                                          r"\(first on line 1\)"):
        load_settings(config, {})
