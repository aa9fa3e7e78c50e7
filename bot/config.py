"""Settings as data: one table of name, type, range, default and help; one check for every source.

Precedence, lowest first: the defaults below, the YAML settings file (``BRIEFBOT_CONFIG``,
default ``briefbot.yaml`` in the working directory if present), ``.env``, the process
environment, the command line. Whatever the source, a value goes through the same
:func:`parse_value` of its :class:`Setting`, and a bad one is refused with its source (file and
line, or variable) and the allowed range. Secrets (the token) are never part of ``repr`` and
never logged. README's settings table is :func:`settings_markdown` (tests/test_readme.py keeps
them equal).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.corpus import BUNDLED_KNOWLEDGE, load_yaml
from bot.errors import ConfigError, KnowledgeError

#: Logging levels ``log_level`` accepts.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: Discord ids (snowflakes) are positive 64-bit integers.
_SNOWFLAKE_MAX = 2**63 - 1


@dataclass(frozen=True)
class Setting:
    """One setting: YAML key, environment variable, type and allowed range, default and help.

    ``kind`` is one of ``text``, ``path``, ``url``, ``float``, ``int``, ``id`` (an optional
    Discord id), ``ids`` (a list of them) and ``choice`` (one of ``choices``). ``minimum`` and
    ``maximum`` bound numbers (inclusive) and the length of text.
    """

    name: str
    env: str
    kind: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    secret: bool = False

    @property
    def allowed(self) -> str:
        """The allowed values in words, for errors and for README."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind in ("float", "int"):
            what = "a number" if self.kind == "float" else "a whole number"
            return f"{what} from {_num(self.minimum)} to {_num(self.maximum)}"
        if self.kind == "id":
            return "a Discord id (a positive whole number), or empty"
        if self.kind == "ids":
            return "Discord ids separated by commas or spaces (or a YAML list)"
        if self.kind == "url":
            return "a URL (http://, https://, ws:// or wss://)"
        if self.kind == "text" and self.maximum is not None:
            return f"text of {_num(self.minimum)} to {_num(self.maximum)} characters, no spaces"
        return "a directory path" if self.kind == "path" else "text"


def _num(value: float | None) -> str:
    return f"{value:g}" if value is not None else "any"


SETTINGS: tuple[Setting, ...] = (
    Setting("knowledge_dir", "BRIEFBOT_KNOWLEDGE", "path", None,
            "Knowledge directory (articles/, people.yaml, topics.yaml, synonyms.yaml); "
            "default: the bundled corpus."),
    Setting("cache_dir", "BRIEFBOT_CACHE_DIR", "path", None,
            "Where the BM25 index cache is kept; default: $XDG_CACHE_HOME/briefbot."),
    Setting("data_dir", "BRIEFBOT_DATA_DIR", "path", "data",
            "Where the bot keeps its state (digest schedules and deliveries, SQLite)."),
    Setting("bm25_k1", "BRIEFBOT_BM25_K1", "float", 1.2, "BM25 term-frequency saturation k1.",
            0, 10),
    Setting("bm25_b", "BRIEFBOT_BM25_B", "float", 0.75, "BM25 length normalisation b.", 0, 1),
    Setting("discord_token", "DISCORD_TOKEN", "text", None,
            "The bot token from the Discord developer portal. Environment or .env only; "
            "keep it secret.", secret=True),
    Setting("command_prefix", "BRIEFBOT_PREFIX", "text", "!",
            "Prefix of text commands, e.g. !brief.", 1, 5),
    Setting("discord_api_base", "DISCORD_API_BASE", "url", "https://discord.com/api/v10",
            "REST API base URL; change only for a self-hosted Discord-compatible server or "
            "for testing."),
    Setting("discord_gateway_url", "DISCORD_GATEWAY_URL", "url", "wss://gateway.discord.gg/",
            "Gateway websocket URL; change only for a self-hosted Discord-compatible server or "
            "for testing."),
    Setting("owner_ids", "BRIEFBOT_OWNER_IDS", "ids", (),
            "Discord user ids allowed to run owner commands such as !sync; default: the "
            "application owner."),
    Setting("dev_guild_id", "BRIEFBOT_DEV_GUILD", "id", None,
            "The guild `sync --dev` publishes the slash commands to, instantly, while developing."),
    Setting("cooldown_seconds", "BRIEFBOT_COOLDOWN_SECONDS", "float", 10.0,
            "Per-user cooldown window for commands, in seconds.", 0, 3600),
    Setting("cooldown_uses", "BRIEFBOT_COOLDOWN_USES", "int", 3,
            "Commands a user may run per cooldown window.", 1, 100),
    Setting("max_argument_length", "BRIEFBOT_MAX_ARGUMENT", "int", 200,
            "Longest argument (characters) a command accepts.", 1, 1000),
    Setting("digest_grace_minutes", "BRIEFBOT_DIGEST_GRACE_MINUTES", "int", 60,
            "A digest missed while the bot was down is still posted if at most this late.",
            1, 1440),
    Setting("log_level", "BRIEFBOT_LOG_LEVEL", "choice", "INFO", "Logging level.",
            choices=LOG_LEVELS),
)
_BY_NAME = {s.name: s for s in SETTINGS}
#: Keys of the settings file that are not settings: read by their own package.
FILE_SECTIONS = ("digests",)


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
        The environment to read (default ``os.environ``, then ``./.env`` below it).
    overrides:
        Values given on the command line (e.g. ``--knowledge``); they win.

    Raises
    ------
    ConfigError
        Naming the setting, where it came from, what is wrong and what is allowed.
    """
    # Every candidate value with its source, lowest precedence first; the last one wins.
    layers: list[dict[str, tuple[Any, str]]] = []
    env_layer: dict[str, tuple[Any, str]] = {}
    config_name = ""
    if environ is None:
        environ = os.environ
        if dotenv:
            dotenv_layer, config_name = _dotenv_layer(Path(".env"))
            layers.append(dotenv_layer)
    config_name = environ.get("BRIEFBOT_CONFIG") or config_name
    path = config_file or (Path(config_name) if config_name else None)
    if path is None and Path("briefbot.yaml").is_file():
        path = Path("briefbot.yaml")
    digests: tuple[Mapping[str, Any], ...] = ()
    if path is not None:
        file_layer, digests = _read_settings_file(path)
        layers.insert(0, file_layer)
    for setting in SETTINGS:
        if environ.get(setting.env, "") != "":
            env_layer[setting.name] = (environ[setting.env],
                                       f"environment variable {setting.env}")
    layers.append(env_layer)
    layers.append({name: (value, f"command line ({name})")
                   for name, value in (overrides or {}).items() if value is not None})

    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw, origin = setting.default, ""
        for layer in layers:
            raw, origin = layer.get(setting.name, (raw, origin))
        values[setting.name] = parse_value(setting, raw, origin) if origin else raw

    values["knowledge_dir"] = values["knowledge_dir"] or BUNDLED_KNOWLEDGE
    values["cache_dir"] = values["cache_dir"] or _default_cache_dir()
    values["data_dir"] = Path(values["data_dir"])
    return Settings(**values, digests=digests, source=path)


def parse_value(setting: Setting, raw: Any, origin: str) -> Any:
    """Parse and check one value of ``setting`` from any source (text or a YAML value).

    Raises :class:`ConfigError` naming the setting, ``origin``, the value and what is allowed.
    """
    try:
        return _PARSERS[setting.kind](setting, raw)
    except (ValueError, TypeError) as exc:
        shown = "(hidden)" if setting.secret else repr(raw)
        reason = f"{exc}; " if str(exc) else ""
        raise ConfigError(f"setting {setting.name} ({origin}): {shown} is not valid: "
                          f"{reason}expected {setting.allowed}") from None


def _number(setting: Setting, raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise TypeError("")
    value = float(raw) if setting.kind == "float" else _whole(raw)
    if value != value or (setting.minimum is not None and value < setting.minimum) or (
            setting.maximum is not None and value > setting.maximum):
        raise ValueError("out of range")
    return value


def _whole(raw: int | float | str) -> int:
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError("not a whole number")
        return int(raw)
    return int(raw)


def _text(setting: Setting, raw: Any) -> str:
    if not isinstance(raw, str):
        raise TypeError("")
    value = raw.strip()
    if setting.maximum is not None and (
            not (setting.minimum or 0) <= len(value) <= setting.maximum
            or re.search(r"\s", value)):
        raise ValueError("")
    return value


def _url(setting: Setting, raw: Any) -> str:
    value = _text(setting, raw)
    if not re.match(r"^(https?|wss?)://\S+$", value):
        raise ValueError("")
    return value


def _path(setting: Setting, raw: Any) -> Path:
    if isinstance(raw, Path):
        return raw.expanduser()
    value = _text(setting, raw)
    if not value:
        raise ValueError("empty")
    return Path(value).expanduser()


def _snowflake(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise TypeError("")
    value = int(raw)
    if not 0 < value <= _SNOWFLAKE_MAX:
        raise ValueError("out of range")
    return value


def _optional_id(setting: Setting, raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return _snowflake(raw)


def _ids(setting: Setting, raw: Any) -> tuple[int, ...]:
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    elif isinstance(raw, int) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise TypeError("")
    return tuple(_snowflake(part) for part in raw)


def _choice(setting: Setting, raw: Any) -> str:
    if not isinstance(raw, str) or raw.strip().upper() not in setting.choices:
        raise ValueError("")
    return raw.strip().upper()


_PARSERS = {"float": _number, "int": _number, "text": _text, "url": _url, "path": _path,
            "id": _optional_id, "ids": _ids, "choice": _choice}


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefbot"


def _read_settings_file(path: Path) -> tuple[dict[str, tuple[Any, str]],
                                             tuple[Mapping[str, Any], ...]]:
    """The settings of a YAML file, each with its source ``file:line (key)``, and its digests."""
    if not path.is_file():
        raise ConfigError(f"settings file {path} does not exist")
    try:
        data = load_yaml(path) or {}
    except KnowledgeError as exc:
        raise ConfigError(str(exc)) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the settings file must be a mapping of setting: value")
    lines = _key_lines(path)
    digests = data.pop("digests", None) or []
    if not isinstance(digests, list):
        raise ConfigError(f"{path}:{lines.get('digests', 1)}: 'digests' must be a list of "
                          "schedules")
    layer: dict[str, tuple[Any, str]] = {}
    for key, value in data.items():
        where = f"{path}:{lines.get(str(key), 1)}"
        if key not in _BY_NAME:
            close = difflib.get_close_matches(str(key), [*_BY_NAME, *FILE_SECTIONS], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{where}: unknown setting {key!r}{hint}")
        if _BY_NAME[key].secret:
            raise ConfigError(f"{where}: put {key} in the environment or .env, not in a file "
                              "that may be committed")
        layer[key] = (value, f"{where} ({key})")
    return layer, tuple(digests)


def _key_lines(path: Path) -> dict[str, int]:
    """The line of each top-level key of a YAML file (which :func:`load_yaml` already parsed)."""
    node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 for key, _value in node.value}


def _dotenv_layer(path: Path) -> tuple[dict[str, tuple[Any, str]], str]:
    """The settings of a ``.env`` file, each with its source ``.env:line (VARIABLE)``, and
    the settings file it names (``BRIEFBOT_CONFIG``, or empty)."""
    if not path.is_file():
        return {}, ""
    from dotenv import dotenv_values

    values = dotenv_values(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    layer: dict[str, tuple[Any, str]] = {}
    for setting in SETTINGS:
        value = values.get(setting.env)
        if value is None or value == "":
            continue
        line = next((n for n, text in enumerate(lines, 1)
                     if re.match(rf"\s*(export\s+)?{setting.env}\s*=", text)), 1)
        layer[setting.name] = (value, f"{path}:{line} ({setting.env})")
    return layer, values.get("BRIEFBOT_CONFIG") or ""


def settings_markdown() -> str:
    """The settings table of README's "Settings" section, generated from :data:`SETTINGS`."""
    rows = ["| setting (YAML key) | environment variable | default | allowed | what it does |",
            "| --- | --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = "(none)" if s.default in (None, ()) else f"`{s.default}`"
        rows.append(f"| `{s.name}` | `{s.env}` | {default} | {s.allowed} | {s.help} |")
    return "\n".join(rows)
