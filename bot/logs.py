"""Logging for the long-running bot: the level from settings, and the token redacted everywhere.

discord.py does not log the token, but a third-party library, a future change or an exception
message might; :class:`TokenRedactor` is the defence in depth. It is installed on handlers, not
loggers, because a logger's filters do not see records propagated from its children (and
discord.py logs from ``discord.http``, ``discord.gateway``, ...).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.config import Settings


class TokenRedactor(logging.Filter):
    """Replaces secrets in every record a handler emits: message, arguments and traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = ()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Also redact these strings (longest first, so a token wins over its parts)."""
        merged = {*self.secrets, *(s for s in secrets if s)}
        self.secrets = tuple(sorted(merged, key=len, reverse=True))

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``[REDACTED]``."""
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)  # a malformed call; still never let the token through
        redacted = self.redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def token_secrets(token: str | None) -> list[str]:
    """The strings to redact for a bot token: the token and its signature part."""
    if not token:
        return []
    token = token.strip()
    parts = [token]
    signature = token.rsplit(".", 1)[-1]
    if len(signature) >= 16 and signature != token:
        parts.append(signature)
    return parts


def configure_logging(settings: Settings) -> TokenRedactor:
    """Set the log level from settings and redact the token on every root handler.

    Keeps handlers the caller (the CLI) installed; adds one on stderr if there is none.
    """
    root = logging.getLogger()
    level = logging.getLevelName(settings.log_level)  # one of config.LOG_LEVELS, checked there
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(min(root.level or level, level))  # a more verbose -v stays in force
    redactor = next((f for h in root.handlers for f in h.filters
                     if isinstance(f, TokenRedactor)), None) or TokenRedactor()
    redactor.add(token_secrets(settings.discord_token))
    for each in root.handlers:
        if redactor not in each.filters:
            each.addFilter(redactor)
    return redactor
