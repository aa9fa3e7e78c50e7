"""What one CLI process loads once: settings, knowledge base and the two renderers."""

from __future__ import annotations

import json
from typing import Any

from bot import commands
from bot.answers.results import to_json
from bot.config import Settings
from bot.knowledge import KnowledgeBase
from bot.outgoing import outgoing
from bot.progress import reporter
from bot.render import Renderer
from bot.terminal import TerminalRenderer

#: How a terminal types commands, shown in hints and help (``briefbot search QUERY``).
SHELL_PREFIX = "briefbot "


class Session:
    """Settings, knowledge base and renderers, loaded once per process on first use."""

    def __init__(self, settings: Settings, colour: bool = False, fold: bool = False) -> None:
        self.settings = settings
        self.renderer = Renderer()  # Discord markdown: what the bot posts
        self.terminal = TerminalRenderer(colour, fold=fold)
        self._kb: KnowledgeBase | None = None

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base (loaded on first use, so ``ingest`` and ``help`` stay fast)."""
        if self._kb is None:
            self._kb = KnowledgeBase.open(self.settings, progress=reporter("indexing"))
        return self._kb

    def answer(self, name: str, kwargs: dict[str, Any], as_json: bool) -> str:
        """Run an answer command and format it for the terminal, or as JSON."""
        reply = commands.run(self.kb, name, **kwargs)
        if as_json:
            return json.dumps(to_json(reply.result), ensure_ascii=False, indent=2)
        return self.text(reply, SHELL_PREFIX)

    def text(self, reply: commands.Reply, prefix: str, **extra: Any) -> str:
        """A reply as terminal text, its hints in the syntax that ``prefix`` starts."""
        return self.terminal.render(reply.kind, reply.result, prefix=prefix,
                                    shell=prefix == SHELL_PREFIX, **extra)

    def discord_payload(self, name: str, kwargs: dict[str, Any]) -> str:
        """The JSON bodies of the message the bot posts for this command, page by page."""
        from bot.answers.labels import short_labels  # discord.py loads for this format only
        from bot.cogs.replies import answer_of, discord_json
        reply = commands.run(self.kb, name, **kwargs)
        return discord_json(answer_of(reply, self.renderer, prefix=self.settings.command_prefix,
                                      labels=short_labels(self.kb.corpus.documents.values())))

    def messages(self, kind: str, result: Any) -> list[str]:
        """Render a result into the Discord messages the bot would send."""
        return [outgoing(m) for m in self.renderer.messages(kind, result,
                                                            prefix=self.settings.command_prefix)]
