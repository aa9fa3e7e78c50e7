"""The command line: ``briefbot COMMAND`` and ``--json``.

This module, its terminal-only subcommands (:mod:`bot.cli_tools`) and the ``chat`` REPL
(:mod:`bot.chat`) are the only ones that print. Answer commands render the bot's result objects
as terminal text (:mod:`bot.terminal`), with hints in the shell's syntax; ``--json`` prints the
result object instead, the machine-readable contract.
Exit codes: 0 success (including "nothing found"), 1 bad data or a failure, 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NoReturn, TextIO

from bot import commands
from bot.config import load_settings
from bot.errors import BriefbotError, ConfigError, KnowledgeError, UsageError
from bot.eval_data import EVAL_DIR, SEED_RAW
from bot.grammar import Param, parse_words
from bot.outgoing import terminal
from bot.session import SHELL_PREFIX, Session
from bot.terminal import to_terminal, use_colour

log = logging.getLogger("bot")




class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser that raises :class:`UsageError` instead of exiting.

    The REPL needs to keep running after a bad command; the CLI turns the error into exit
    code 2 with the usage line, as argparse would. A subcommand refuses what it does not know
    itself, so the usage shown is the subcommand's, not the top level's. An answer command's
    parameters (``params``, from the command table) are read by the grammar chat and the bot
    use (:func:`bot.grammar.parse_words`), so ``briefbot search x --bogus`` is refused with the
    words ``!search x --bogus`` gets, and ``--limit N`` may stand anywhere; argparse reads only
    the options every subcommand shares (``--json``, ``--knowledge DIR``…).
    """

    #: The subcommands, on the top-level parser (``help`` lists the terminal-only ones).
    subcommands: argparse._SubParsersAction[ArgumentParser] | None = None
    #: An answer command's parameters, read by the command table's grammar.
    params: Sequence[Param] | None = None

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\nusage: {self.format_usage().removeprefix('usage: ').strip()}")

    def parse_known_args(self, args: Iterable[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        """Parse ``args``; a subcommand raises :class:`UsageError` for anything it does not know."""
        if self.params is None:
            parsed, extras = super().parse_known_args(args, namespace)
            if extras and self.subcommands is None:
                self.error(f"unrecognized arguments: {' '.join(extras)}")
            return parsed, extras
        own, words = self._split(list(sys.argv[1:] if args is None else args))
        parsed, _ = super().parse_known_args(own, namespace)
        try:
            values = parse_words(self.params, words)
        except UsageError as exc:
            self.error(str(exc))
        for name, value in values.items():
            setattr(parsed, name, value)
        return parsed, []

    def _split(self, args: list[str]) -> tuple[list[str], list[str]]:
        """The shared options (with their values) for argparse, and the command's own words."""
        assert self.params is not None
        mine = {p.name for p in self.params}
        own: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for word in rest:
            if word == "--":  # the grammar reads it: what follows is never an option
                words += [word, *rest]
                break
            action = self._option_string_actions.get(word.partition("=")[0])
            if action is None or action.dest in mine:
                words.append(word)
                continue
            own.append(word)
            if action.nargs != 0 and "=" not in word:
                own.extend(islice(rest, 1))
        return own, words


#: Options every subcommand takes; ``help`` does not repeat them for each.
COMMON_OPTIONS = {"help", "knowledge", "config", "json", "verbose"}


@dataclass(frozen=True)
class Tool:
    """A terminal-only subcommand as ``help`` lists it."""

    name: str
    args: str
    summary: str


def terminal_tools(parser: ArgumentParser) -> list[Tool]:
    """The subcommands that are not bot commands (check, ingest, run…), from the parser."""
    action = parser.subcommands
    if action is None:
        return []
    summaries = {a.dest: a.help or "" for a in action._choices_actions}
    tools = []
    for name, sub in action.choices.items():
        answer = commands.COMMANDS.get(name)
        if answer is None or not answer.terminal:
            tools.append(Tool(name, _synopsis(sub), summaries.get(name, "")))
    return tools


def _synopsis(parser: argparse.ArgumentParser, skip: Iterable[str] = COMMON_OPTIONS) -> str:
    parts = []
    for action in parser._actions:
        if action.dest in skip:
            continue
        metavar = action.metavar or action.dest.upper()
        if not action.option_strings:
            parts.append(f"{metavar}…" if action.nargs in ("+", "*") else str(metavar))
        elif action.nargs == 0:
            parts.append(f"[{action.option_strings[-1]}]")
        else:
            parts.append(f"[{action.option_strings[-1]} {metavar}]")
    return " ".join(parts)


def add_params(parser: ArgumentParser, params: Sequence[Param]) -> None:
    """An answer command's parameters, from the command table: read by the grammar, and
    declared to argparse too so that ``-h`` describes them."""
    parser.params = params
    for param in params:
        if param.is_option:
            parser.add_argument(f"--{param.name}", default=argparse.SUPPRESS,
                                metavar=param.shown, help=param.help)
        else:
            parser.add_argument(param.name, nargs="*", default=argparse.SUPPRESS,
                                metavar=param.shown,
                                help=argparse.SUPPRESS if param.hidden else param.help)


def answer_kwargs(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`bot.commands.run` from a parsed answer subcommand."""
    return {param.name: getattr(args, param.name) for param in commands.COMMANDS[name].params}


def build_parser() -> ArgumentParser:
    """The ``briefbot`` argument parser; answer commands come from the command table."""
    common = ArgumentParser(add_help=False)
    common.add_argument("--knowledge", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help="knowledge directory (default: the bundled knowledge/)")
    common.add_argument("--config", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                        help="settings file (default: $BRIEFBOT_CONFIG or ./briefbot.yaml)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print the result as JSON")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log debug details to stderr")

    parser = ArgumentParser(prog="briefbot", parents=[common],
                            description="Cited briefings from a local corpus of articles.")
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    parser.subcommands = sub

    # How an answer command is typed: its own arguments as in chat, then the shared options.
    shared = "[--format discord] " + _synopsis(common, skip={"help"})
    for command in commands.COMMANDS.values():
        if command.terminal:
            p = sub.add_parser(command.name, parents=[common], help=command.summary,
                               description=command.summary, allow_abbrev=False,
                               usage=f"%(prog)s {command.synopsis()} {shared}".replace("  ", " "))
            add_params(p, command.params)
            p.add_argument("--format", choices=["discord"], default=argparse.SUPPRESS,
                           help="discord: print the JSON message bodies the bot would send")

    sub.add_parser("check", parents=[common], help="validate a knowledge directory")
    p = sub.add_parser("ingest", parents=[common], help="turn raw article text into articles")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="where to write <id>.md (default: <knowledge>/articles)")
    p.add_argument("--keep-dropped", action="store_true",
                   help="keep bylines, teasers and other dropped paragraphs in the body")
    p = sub.add_parser("eval", parents=[common],
                       help="measure retrieval quality against a plain BM25 baseline")
    p.add_argument("--queries", type=Path, default=EVAL_DIR / "search_queries.yaml",
                   help="judged queries (default: tests/eval/search_queries.yaml)")
    p.add_argument("--raw", type=Path, default=SEED_RAW,
                   help="raw files the baseline indexes (default: tests/data/seed-articles)")
    p = sub.add_parser("digest", parents=[common],
                       help="what each digest schedule would post now, or --schedule")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--topic", metavar="TOPIC",
                      help="preview a digest on TOPIC instead of each schedule's next one")
    what.add_argument("--schedule", action="store_true",
                      help="list every schedule (settings file and store) with its next run")
    p = sub.add_parser("backup", parents=[common],
                       help="copy the digest database consistently (safe while the bot runs)")
    p.add_argument("--out", type=Path, metavar="FILE", default=None,
                   help="where to write it (default: <data dir>/backups/digests-<time>.sqlite3)")
    p = sub.add_parser("restore", parents=[common],
                       help="put a backup back as the digest database (stop the bot first)")
    p.add_argument("file", type=Path, metavar="FILE", help="a file written by briefbot backup")
    p = sub.add_parser("bench", parents=[common],
                       help="time our engine against plain rank-bm25 on synthetic corpora")
    p.add_argument("--sizes", type=_sizes, default=[1000, 10000, 100000], metavar="N,N,…",
                   help="synthetic corpus sizes in passages (default: 1000,10000,100000)")
    p.add_argument("--seed", type=int, default=1, help="synthetic corpus seed (default: 1)")
    p.add_argument("--workdir", type=Path, default=None, metavar="DIR",
                   help="where synthetic corpora are written and reused (default: a temp dir)")
    sub.add_parser("run", parents=[common],
                   help="start the Discord bot (needs DISCORD_TOKEN in the environment or .env)")
    p = sub.add_parser("sync", parents=[common],
                       help="register the slash commands with Discord (global by default)")
    p.add_argument("--guild", type=int, metavar="ID", default=None,
                   help="sync to one guild only, instantly (default: $BRIEFBOT_DEV_GUILD if "
                        "--dev is given)")
    p.add_argument("--dev", action="store_true",
                   help="sync to the development guild BRIEFBOT_DEV_GUILD")
    sub.add_parser("chat", parents=[common],
                   help="type commands as on Discord (!search …, /search query:…)")
    return parser


class _Version(argparse.Action):
    """``--version``: argparse's version action, reading the package metadata only when asked
    (``importlib.metadata`` costs every other command a few hundredths of a second)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> NoReturn:
        print(f"briefbot {version()}")
        parser.exit()


def version() -> str:
    """The installed package's version (``0.1.0``), from its metadata."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("briefbot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``briefbot`` console script and ``python -m bot``."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return _fail(str(exc), 2)
    if args.command is None:  # `briefbot` alone: say how it is used, as for any bad usage
        return _fail(f"{parser.format_usage().strip()}\nTry `briefbot help` for the commands, "
                     "or `briefbot chat` to type them as on Discord.", 2, prefix="")
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    overrides = {"knowledge_dir": getattr(args, "knowledge", None)}
    try:
        settings = load_settings(getattr(args, "config", None), overrides=overrides)
        # Folded to the width on a terminal only: piped, a paragraph stays one stable line.
        session = Session(settings, colour=use_colour(sys.stdout), fold=sys.stdout.isatty())
        # Every byte printed passes bot.outgoing (answers are cleaned before styling too).
        return _dispatch(args, session, parser, terminal(sys.stdout))
    except UsageError as exc:
        return _fail(str(exc), 2)
    except (KnowledgeError, ConfigError) as exc:
        return _fail(f"error: {exc}", 1)
    except BriefbotError as exc:
        return _fail(str(exc), 1)
    except BrokenPipeError:
        # The reader went away (`briefbot sources | head`): not an error worth a traceback.
        sys.stderr.close()
        return 0


def _fail(message: str, code: int, prefix: str = "briefbot: ") -> int:
    """Print an error (its inline markup as terminal text) to stderr; return the exit code."""
    print(prefix + to_terminal(message, use_colour(sys.stderr)), file=sys.stderr)
    return code


def _dispatch(args: argparse.Namespace, session: Session, parser: ArgumentParser,
              out: TextIO) -> int:
    command = args.command
    as_json = getattr(args, "json", False)
    answer = commands.COMMANDS.get(command)
    if answer is not None and getattr(args, "format", None) == "discord":
        print(session.discord_payload(command, answer_kwargs(command, args)), file=out)
        return 0
    if command == "help" and not as_json:  # the terminal's help adds its own commands
        reply = commands.run(session.kb, "help", **answer_kwargs("help", args))
        print(session.text(reply, SHELL_PREFIX, tools=terminal_tools(parser)), file=out)
        return 0
    if answer is not None and answer.terminal:  # the table's digest is Discord's; ours below
        print(session.answer(command, answer_kwargs(command, args), as_json), file=out)
        return 0
    from bot import cli_tools  # the terminal's own commands: not needed to answer

    if command == "check":
        return cli_tools.check(session.settings.knowledge_dir, as_json, out)
    if command == "ingest":
        return cli_tools.ingest(args, session.settings, as_json, out)
    if command == "eval":
        return cli_tools.evaluate(args, session.kb, as_json, out)
    if command == "digest":
        return cli_tools.digest(args, session, as_json, out)
    if command == "bench":
        return cli_tools.bench(args, as_json, out)
    if command == "backup":
        from bot.digest import backup

        print(f"digest database backed up to {backup(session.settings.data_dir, args.out)}",
              file=out)
        return 0
    if command == "restore":
        from bot.digest import restore

        kept = restore(session.settings.data_dir, args.file)
        print(f"digest database restored from {args.file}"
              + (f"; the replaced one is kept as {kept}" if kept else ""), file=out)
        return 0
    if command in ("run", "sync"):
        # Imported here: discord.py is only needed by the bot, not by the core commands.
        from bot.discord_bot import run_bot, sync_commands

        if command == "run":
            return run_bot(session.settings)
        guild = args.guild
        if args.dev:
            if session.settings.dev_guild_id is None:
                raise UsageError("--dev needs BRIEFBOT_DEV_GUILD set to a guild id")
            guild = session.settings.dev_guild_id
        return sync_commands(session.settings, guild)
    if command == "chat":
        from bot.chat import chat

        return chat(session, sys.stdin, out)
    raise UsageError(f"unknown command {command!r}")


def _sizes(raw: str) -> list[int]:
    try:
        sizes = [int(part) for part in raw.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be numbers like 1000,10000, not {raw!r}"
                                         ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("every size must be at least 1 passage")
    return sizes
