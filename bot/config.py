"""Settings: one table of name, default and help; values from a YAML file and the environment.

Precedence, lowest first: the defaults below, the YAML settings file (``BRIEFBOT_CONFIG``,
default ``briefbot.yaml`` in the working directory if present), ``.env``, the process
environment. Every setting is validated once, at start, into :class:`Settings`.
Secrets (the token) are never part of ``repr`` and never logged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.corpus import BUNDLED_KNOWLEDGE, load_yaml
from bot.errors import ConfigError, KnowledgeError


@dataclass(frozen=True)
class Setting:
    """One setting: its key in the YAML file, its environment variable, default and help."""

    name: str
    env: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    secret: bool = False


def _positive_float(raw: str) -> float:
    value = float(raw)
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _id_list(raw: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(raw).replace(",", " ").split())


def _optional_int(raw: str) -> int | None:
    return int(raw) if str(raw).strip() else None


def _default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "briefbot")


SETTINGS: tuple[Setting, ...] = (
    Setting("knowledge_dir", "BRIEFBOT_KNOWLEDGE", str(BUNDLED_KNOWLEDGE),
            "Knowledge directory (articles/, people.yaml, topics.yaml, synonyms.yaml)."),
    Setting("cache_dir", "BRIEFBOT_CACHE_DIR", None,
            "Where the BM25 index cache is kept (default: $XDG_CACHE_HOME/briefbot)."),
    Setting("data_dir", "BRIEFBOT_DATA_DIR", "data",
            "Where the bot keeps its state (digest schedules and deliveries, SQLite)."),
    Setting("bm25_k1", "BRIEFBOT_BM25_K1", 1.2, "BM25 term-frequency saturation k1.",
            _positive_float),
    Setting("bm25_b", "BRIEFBOT_BM25_B", 0.75, "BM25 length normalisation b (0 to 1).",
            _positive_float),
    Setting("discord_token", "DISCORD_TOKEN", None,
            "The bot token from the Discord developer portal. Keep it secret.", secret=True),
    Setting("command_prefix", "BRIEFBOT_PREFIX", "!", "Prefix of text commands, e.g. !brief."),
    Setting("discord_api_base", "DISCORD_API_BASE", "https://discord.com/api/v10",
            "REST API base URL; change only for a self-hosted Discord-compatible server or "
            "for testing."),
    Setting("discord_gateway_url", "DISCORD_GATEWAY_URL", "wss://gateway.discord.gg/",
            "Gateway websocket URL; change only for a self-hosted Discord-compatible server or "
            "for testing."),
    Setting("owner_ids", "BRIEFBOT_OWNER_IDS", (),
            "Discord user ids allowed to run owner commands such as !sync (default: the "
            "application owner).", _id_list),
    Setting("dev_guild_id", "BRIEFBOT_DEV_GUILD", None,
            "A guild id for `briefbot sync --guild` while developing (instant sync).",
            _optional_int),
    Setting("cooldown_seconds", "BRIEFBOT_COOLDOWN_SECONDS", 10.0,
            "Per-user cooldown window for commands.", _positive_float),
    Setting("cooldown_uses", "BRIEFBOT_COOLDOWN_USES", 3,
            "Commands a user may run per cooldown window.", _positive_int),
    Setting("max_argument_length", "BRIEFBOT_MAX_ARGUMENT", 200,
            "Longest argument (characters) a command accepts.", _positive_int),
    Setting("digest_grace_minutes", "BRIEFBOT_DIGEST_GRACE_MINUTES", 60,
            "A digest missed while the bot was down is still posted if at most this late.",
            _positive_int),
    Setting("log_level", "BRIEFBOT_LOG_LEVEL", "INFO", "Logging level (DEBUG, INFO, WARNING)."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Validated settings. Build with :func:`load_settings`."""

    knowledge_dir: Path
    cache_dir: Path
    data_dir: Path
    bm25_k1: float
    bm25_b: float
    discord_token: str | None = field(repr=False)
    command_prefix: str
    discord_api_base: str
    discord_gateway_url: str
    owner_ids: tuple[int, ...]
    dev_guild_id: int | None
    cooldown_seconds: float
    cooldown_uses: int
    max_argument_length: int
    digest_grace_minutes: int
    log_level: str
    #: Digest schedules declared in the settings file (raw mappings; the digest package
    #: validates them) and the file they came from.
    digests: tuple[Mapping[str, Any], ...] = ()
    source: Path | None = None


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    dotenv: bool = True,
) -> Settings:
    """Read and validate every setting.

    Parameters
    ----------
    config_file:
        A YAML settings file; default ``$BRIEFBOT_CONFIG`` or ``./briefbot.yaml`` if present.
    environ:
        The environment to read (default ``os.environ`` plus ``.env``).
    overrides:
        Values given on the command line (e.g. ``--knowledge``); they win.

    Raises
    ------
    ConfigError
        Naming the setting, where it came from, and what is wrong.
    """
    if environ is None:
        environ = dict(os.environ)
        if dotenv:
            environ = {**_read_dotenv(Path(".env")), **environ}
    file_values: dict[str, Any] = {}
    digests: tuple[Mapping[str, Any], ...] = ()
    path = config_file or (Path(environ["BRIEFBOT_CONFIG"]) if environ.get("BRIEFBOT_CONFIG")
                           else None)
    if path is None and Path("briefbot.yaml").is_file():
        path = Path("briefbot.yaml")
    if path is not None:
        file_values, digests = _read_settings_file(path)

    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw, origin = setting.default, "default"
        if setting.name in file_values:
            raw, origin = file_values[setting.name], f"{path}"
        if environ.get(setting.env, "") != "":
            raw, origin = environ[setting.env], f"environment variable {setting.env}"
        if overrides and overrides.get(setting.name) is not None:
            raw, origin = overrides[setting.name], "command line"
        values[setting.name] = _parse(setting, raw, origin)

    if not 0 <= values["bm25_b"] <= 1:
        raise ConfigError(f"bm25_b must be between 0 and 1, not {values['bm25_b']}")
    for name in ("knowledge_dir", "data_dir"):
        values[name] = Path(values[name]).expanduser()
    values["cache_dir"] = Path(values["cache_dir"] or _default_cache_dir()).expanduser()
    return Settings(**values, digests=digests, source=path)


def _parse(setting: Setting, raw: Any, origin: str) -> Any:
    if raw is None or raw == () or not isinstance(raw, str):
        # Defaults and YAML scalars are already typed; YAML lists of ids are fine too.
        if isinstance(raw, list) and setting.parse is _id_list:
            return tuple(int(v) for v in raw)
        return raw
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ConfigError(f"setting {setting.name} ({origin}): {raw!r} is not valid: {exc}"
                          ) from None


def _read_settings_file(path: Path) -> tuple[dict[str, Any], tuple[Mapping[str, Any], ...]]:
    if not path.is_file():
        raise ConfigError(f"settings file {path} does not exist")
    try:
        data = load_yaml(path) or {}
    except KnowledgeError as exc:
        raise ConfigError(str(exc)) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the settings file must be a mapping of setting: value")
    digests = data.pop("digests", None) or []
    if not isinstance(digests, list):
        raise ConfigError(f"{path}: 'digests' must be a list of schedules")
    for key in data:
        if key not in _BY_NAME:
            raise ConfigError(f"{path}:{getattr(data, 'line', 1)}: unknown setting {key!r}")
        if _BY_NAME[key].secret:
            raise ConfigError(f"{path}: put {key} in the environment or .env, not in a file "
                              "that may be committed")
    return dict(data), tuple(digests)


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}
