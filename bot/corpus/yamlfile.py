"""YAML that remembers lines: every mapping, key and list item knows where it was written.

Problems found after parsing (a bad value, a duplicate alias) are reported at the line of the
value, not of the file. Parsing itself never raises anything but :class:`KnowledgeError`: a
syntax error, a repeated key (which plain PyYAML silently resolves to the last value) and an
impossible date (``2021-13-45``, which plain PyYAML turns into a ``ValueError`` traceback)
all become file-and-line errors; the impossible date is kept as text for the caller's own
check to refuse with the right wording.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.errors import KnowledgeError


class LineDict(dict):
    """A mapping that remembers its own line and the line of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line ``key`` was written on (the mapping's line if it is absent)."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that remembers its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """The line item ``index`` was written on."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    """``safe_load`` that records lines and the keys a mapping repeats."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[tuple[Any, int, int]] = []  # key, first line, repeated line


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            if key in mapping:
                loader.repeated.append((key, mapping.key_lines[key], line))
        except TypeError:  # an unhashable key: let PyYAML say so, with its line
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark) from None
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines.setdefault(key, line)
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:  # 2021-13-45 looks like a date but is none: the caller refuses it
        return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(path: Path, text: str | None = None, line_offset: int = 0,
              problems: list[KnowledgeError] | None = None) -> Any:
    """Parse YAML safely, with lines (see :class:`LineDict`).

    A syntax error raises :class:`KnowledgeError` with its line. A repeated key is appended to
    ``problems`` if given (parsing goes on, the last value wins), else raised.
    """
    if text is None:
        text = read_text(path)
    loader = _LineLoader(text)  # a SafeLoader: constructs plain data only
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise KnowledgeError(path, f"invalid YAML: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(path, f"invalid YAML: {exc}") from exc
    finally:
        loader.dispose()
    repeated = [KnowledgeError(path, f"key {key!r} is given twice (first on line "
                                     f"{first + line_offset})", line + line_offset)
                for key, first, line in loader.repeated]
    if repeated and problems is None:
        raise repeated[0]
    if problems is not None:
        problems.extend(repeated)
    return data


_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): +(.*?) *")
# A plain scalar YAML reads as written: no indicator first, no comment, no nested mapping.
_PLAIN = re.compile(r"""[^-?:,\[\]{}#&*!|>'"%@`\s](?:[^:#\t]|:(?! )|(?<! )#)*(?<!:)""")
_DOUBLE_QUOTED = re.compile(r'"([^"\\\t]*)"')
_SINGLE_QUOTED = re.compile(r"'((?:[^'\t]|'')*)'")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_UNSURE = object()


def simple_mapping(lines: Sequence[str]) -> LineDict | None:
    """``lines`` read as :func:`load_yaml` reads them, without PyYAML, if they are the simple
    case: one ``key: value`` a line, each key once, each value plain text, a quoted string
    without escapes, a date or null. ``None`` otherwise: the caller parses with
    :func:`load_yaml`, which also words any error. Front matter is nearly always this simple,
    and PyYAML was most of the time of loading a large archive."""
    mapping = LineDict()
    mapping.line, mapping.key_lines = 1, {}
    for number, line in enumerate(lines, 1):
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None or yaml.reader.Reader.NON_PRINTABLE.search(line):
            return None
        key, text = match.groups()
        value = _scalar(text)
        if value is _UNSURE or key in mapping or _resolve(key) != _STR:
            return None
        mapping[key] = value
        mapping.key_lines[key] = number
    return mapping if mapping else None


def _scalar(text: str) -> object:
    """The value YAML gives one simple scalar, or ``_UNSURE`` if it is not simple."""
    if match := _DOUBLE_QUOTED.fullmatch(text):
        return match[1]
    if match := _SINGLE_QUOTED.fullmatch(text):
        return match[1].replace("''", "'")
    if not _PLAIN.fullmatch(text):
        return _UNSURE
    tag = _resolve(text)
    if tag == _STR:
        return text
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:timestamp" and (date := _DATE.fullmatch(text)):
        try:
            return dt.date(*map(int, date.groups()))
        except ValueError:  # 2021-13-45: kept as text, as load_yaml keeps it
            return text
    return _UNSURE


def _resolve(text: str) -> str:
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))


def read_text(path: Path) -> str:
    """The text of a UTF-8 file (a byte-order mark is accepted and dropped)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(path, f"not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise KnowledgeError(path, f"cannot read: {exc.strerror}") from exc


def line_of(value: Any, default: int = 0) -> int:
    """The line a parsed mapping or list started on, or ``default``."""
    return getattr(value, "line", default)


def unknown_keys(path: Path, mapping: LineDict, allowed: Sequence[str], *, owner: str = "",
                 noun: str = "key", line_offset: int = 0) -> list[KnowledgeError]:
    """A problem for each key of ``mapping`` that is not ``allowed``, at the key's line.

    A key no code reads is most likely a typo (``qurey:``), which would otherwise change the
    answers silently; the message suggests the closest allowed key and lists them all.
    Parameters: ``owner`` prefixes the message (``"topic 'senkaku': "``), ``noun`` names what
    is unknown (``"front-matter key"``), ``line_offset`` is added to YAML's own lines (front
    matter starts on the file's second line).
    """
    problems = []
    for key in mapping:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        problems.append(KnowledgeError(
            path, f"{owner}unknown {noun} {key!r} ({hint}valid keys: {', '.join(allowed)})",
            mapping.line_of(key) + line_offset))
    return problems
