"""Request-body validation with Discord's documented limits.

Discord rejects oversize content, embeds and components with HTTP 400 / code 50035
("Invalid Form Body") and an ``errors`` tree; returning the same thing here lets the tests catch
bot output that would fail in production (a 2,001-character answer, a 26th embed field, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

# Nested error tree in Discord's shape: {"embeds": {"0": {"title": {"_errors": [...]}}}}.
ErrorTree = dict[str, Any]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_NAME_MAX = 256
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
NONCE_MAX = 25
CHOICES_MAX = 25
COMMAND_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")


def _add(tree: ErrorTree, path: list[str], code: str, message: str) -> None:
    """Insert one error at ``path`` in the nested error tree."""
    node = tree
    for key in path:
        node = node.setdefault(key, {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _max_len(tree: ErrorTree, path: list[str], value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        _add(tree, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _url_ok(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://", "attachment://"))


def _embed_text_length(embed: Mapping[str, Any]) -> int:
    """Characters counted towards the 6,000 total, as Discord documents."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for fld in embed.get("fields") or []:
        total += len(fld.get("name") or "") + len(fld.get("value") or "")
    return total


def _validate_embeds(tree: ErrorTree, embeds: list[Any]) -> None:
    if len(embeds) > EMBEDS_MAX:
        _add(tree, ["embeds"], "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_MAX} or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        base = ["embeds", str(i)]
        if not isinstance(embed, Mapping):
            _add(tree, base, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        total += _embed_text_length(embed)
        for key, limit in EMBED_LIMITS.items():
            _max_len(tree, [*base, key], embed.get(key), limit)
        colour = embed.get("color")
        if colour is not None and not (isinstance(colour, int) and 0 <= colour <= 0xFFFFFF):
            _add(tree, [*base, "color"], "NUMBER_TYPE_MAX", "int value should be <= 16777215.")
        if "url" in embed and not _url_ok(embed["url"]):
            _add(tree, [*base, "url"], "URL_TYPE_INVALID_URL", "Not a well formed URL.")
        for media in ("image", "thumbnail"):
            if media in embed and not _url_ok((embed[media] or {}).get("url")):
                _add(tree, [*base, media, "url"], "URL_TYPE_INVALID_URL", "Not a well formed URL.")
        footer = embed.get("footer")
        if footer is not None:
            _max_len(tree, [*base, "footer", "text"], footer.get("text"), FOOTER_MAX)
        author = embed.get("author")
        if author is not None:
            _max_len(tree, [*base, "author", "name"], author.get("name"), AUTHOR_NAME_MAX)
            if "url" in author and not _url_ok(author["url"]):
                _add(
                    tree, [*base, "author", "url"], "URL_TYPE_INVALID_URL", "Not a well formed URL."
                )
        fields = embed.get("fields") or []
        if len(fields) > FIELDS_MAX:
            _add(
                tree,
                [*base, "fields"],
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {FIELDS_MAX} or fewer in length.",
            )
        for j, fld in enumerate(fields):
            fpath = [*base, "fields", str(j)]
            for key, limit in (("name", FIELD_NAME_MAX), ("value", FIELD_VALUE_MAX)):
                text = fld.get(key)
                if not text:
                    _add(tree, [*fpath, key], "BASE_TYPE_REQUIRED", "This field is required")
                else:
                    _max_len(tree, [*fpath, key], text, limit)
    if total > EMBED_TOTAL_MAX:
        _add(tree, ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def shown_text(message: Mapping[str, Any]) -> str:
    """Everything a message shows as text: its content, then its embeds' text, in order."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f.get('name')}\n{f.get('value')}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(part for part in parts if part)


def iter_components(components: list[Any]) -> Iterator[dict[str, Any]]:
    """Walk every component, including those nested in rows, sections, containers and labels."""
    for comp in components or []:
        if not isinstance(comp, dict):
            continue
        yield comp
        yield from iter_components(comp.get("components") or [])
        for key in ("accessory", "component"):
            child = comp.get(key)
            if isinstance(child, dict):
                yield from iter_components([child])


def _validate_components(tree: ErrorTree, components: list[Any], flags: int) -> None:
    components_v2 = bool(flags & (1 << 15))
    if not components_v2 and len(components) > ACTION_ROWS_MAX:
        _add(
            tree,
            ["components"],
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {ACTION_ROWS_MAX} or fewer in length.",
        )
    seen: set[str] = set()
    for i, row in enumerate(components):
        rpath = ["components", str(i)]
        if not components_v2 and row.get("type") != 1:
            _add(
                tree,
                [*rpath, "type"],
                "UNION_TYPE_CHOICES",
                "Top-level components must be action rows.",
            )
        children = row.get("components") or []
        if row.get("type") == 1:
            buttons = [c for c in children if c.get("type") == 2]
            selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
            if len(buttons) > ROW_BUTTONS_MAX or (selects and len(children) > 1):
                _add(
                    tree,
                    [*rpath, "components"],
                    "BASE_TYPE_MAX_LENGTH",
                    "Too many components in row.",
                )
    for comp in iter_components(components):
        ctype = comp.get("type")
        custom_id = comp.get("custom_id")
        if custom_id is not None:
            if len(custom_id) > CUSTOM_ID_MAX:
                _add(
                    tree,
                    ["components"],
                    "BASE_TYPE_MAX_LENGTH",
                    "custom_id must be 100 or fewer in length.",
                )
            if custom_id in seen:
                _add(
                    tree,
                    ["components"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(custom_id)
        if ctype == 2:
            style = comp.get("style")
            if style == 5:
                if not _url_ok(comp.get("url")) or custom_id is not None:
                    _add(
                        tree,
                        ["components"],
                        "BUTTON_COMPONENT_INVALID",
                        "Link buttons need a url and no custom_id.",
                    )
            elif style != 6 and custom_id is None:
                _add(tree, ["components"], "BASE_TYPE_REQUIRED", "Buttons need a custom_id.")
            _max_len(tree, ["components", "label"], comp.get("label"), BUTTON_LABEL_MAX)
            if not comp.get("label") and not comp.get("emoji") and style != 6:
                _add(
                    tree,
                    ["components"],
                    "BUTTON_COMPONENT_INVALID",
                    "Button needs a label or an emoji.",
                )
        elif ctype == 3:
            options = comp.get("options") or []
            if not 1 <= len(options) <= SELECT_OPTIONS_MAX:
                _add(
                    tree,
                    ["components", "options"],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 25 in length.",
                )


def validate_message(
    body: Mapping[str, Any], *, has_files: bool = False, partial: bool = False
) -> ErrorTree | None:
    """Return Discord's 50035 error tree for a message create/edit body, or ``None`` if it is valid.

    ``partial`` is for edits, where absent keys mean "unchanged" and emptiness is not checked.
    """
    tree: ErrorTree = {}
    content = body.get("content")
    if content is not None:
        if not isinstance(content, str):
            _add(tree, ["content"], "BASE_TYPE_STRING", "Must be a string.")
        else:
            _max_len(tree, ["content"], content, CONTENT_MAX)
    embeds = body.get("embeds") or []
    _validate_embeds(tree, embeds)
    flags = int(body.get("flags") or 0)
    _validate_components(tree, body.get("components") or [], flags)
    nonce = body.get("nonce")
    if isinstance(nonce, str) and len(nonce) > NONCE_MAX:
        _add(tree, ["nonce"], "BASE_TYPE_MAX_LENGTH", f"Must be {NONCE_MAX} or fewer in length.")
    return tree or None


def is_empty_message(body: Mapping[str, Any], *, has_files: bool) -> bool:
    """Discord refuses (code 50006) a message with nothing to show."""
    return not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or has_files
    )


def _validate_options(tree: ErrorTree, path: list[str], options: list[Any]) -> None:
    if len(options) > 25:
        _add(tree, path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    seen_optional = False
    names: set[str] = set()
    for i, opt in enumerate(options):
        opath = [*path, str(i)]
        name = opt.get("name", "")
        if not COMMAND_NAME_RE.match(name) or name != name.lower():
            _add(
                tree,
                [*opath, "name"],
                "APPLICATION_COMMAND_INVALID_NAME",
                "Command name is invalid",
            )
        if name in names:
            _add(
                tree,
                [*opath, "name"],
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Duplicate name",
            )
        names.add(name)
        desc = opt.get("description", "")
        if not 1 <= len(desc) <= 100:
            _add(
                tree,
                [*opath, "description"],
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            )
        if opt.get("type") in (1, 2):
            _validate_options(tree, [*opath, "options"], opt.get("options") or [])
            continue
        if opt.get("required"):
            if seen_optional:
                _add(
                    tree,
                    opath,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        if len(choices) > CHOICES_MAX:
            _add(
                tree, [*opath, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        if choices and opt.get("autocomplete"):
            _add(
                tree,
                [*opath, "autocomplete"],
                "AUTOCOMPLETE_CHOICES_CONFLICT",
                "Autocomplete cannot be set with choices",
            )


def validate_commands(commands: Any) -> ErrorTree | None:
    """Validate a bulk-overwrite body (PUT .../commands) as Discord would."""
    tree: ErrorTree = {}
    if not isinstance(commands, list):
        _add(tree, [], "BASE_TYPE_ARRAY", "Must be an array.")
        return tree
    if len(commands) > 110:
        _add(tree, [], "BASE_TYPE_MAX_LENGTH", "Too many application commands.")
    seen: set[tuple[int, str]] = set()
    for i, cmd in enumerate(commands):
        path = [str(i)]
        ctype = cmd.get("type", 1)
        name = cmd.get("name", "")
        if ctype == 1:
            if not COMMAND_NAME_RE.match(name) or name != name.lower():
                _add(
                    tree,
                    [*path, "name"],
                    "APPLICATION_COMMAND_INVALID_NAME",
                    "Command name is invalid",
                )
            desc = cmd.get("description", "")
            if not 1 <= len(desc) <= 100:
                _add(
                    tree,
                    [*path, "description"],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
            _validate_options(tree, [*path, "options"], cmd.get("options") or [])
        elif not 1 <= len(name) <= 32:
            _add(
                tree, [*path, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."
            )
        if (ctype, name) in seen:
            _add(
                tree,
                [*path, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        seen.add((ctype, name))
    return tree or None


def validate_choices(choices: Any) -> ErrorTree | None:
    """Validate an autocomplete result (callback type 8)."""
    tree: ErrorTree = {}
    if not isinstance(choices, list):
        _add(tree, ["choices"], "BASE_TYPE_ARRAY", "Must be an array.")
        return tree
    if len(choices) > CHOICES_MAX:
        _add(tree, ["choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        name = choice.get("name", "")
        if not 1 <= len(name) <= 100:
            _add(
                tree,
                ["choices", str(i), "name"],
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            )
        value = choice.get("value")
        if isinstance(value, str) and len(value) > 100:
            _add(
                tree,
                ["choices", str(i), "value"],
                "BASE_TYPE_MAX_LENGTH",
                "Must be 100 or fewer in length.",
            )
    return tree or None


def refused_option_value(spec: Mapping[str, Any], value: Any) -> str | None:
    """Why Discord would not send ``value`` for the synced option ``spec``, or None if it would.

    The bounds a command declares (``min_value``/``max_value`` for numbers, ``min_length``/
    ``max_length`` for text) are Discord's to enforce: the client will not submit the command
    and Discord creates no interaction, which is why discord.py's ``app_commands.Range`` never
    checks them again in the bot. Numbers must be numbers for the same reason.
    """
    otype = int(spec.get("type", 3))
    if otype in (4, 10):
        try:
            number = int(value) if otype == 4 else float(value)
        except (TypeError, ValueError):
            return "must be a whole number" if otype == 4 else "must be a number"
        if isinstance(value, float) and otype == 4 and not value.is_integer():
            return "must be a whole number"
        low, high = spec.get("min_value"), spec.get("max_value")
        if low is not None and number < low:
            return f"must be at least {low}"
        if high is not None and number > high:
            return f"must be at most {high}"
    if otype == 3:
        length = len(str(value))
        low, high = spec.get("min_length"), spec.get("max_length")
        if low is not None and length < low:
            return f"must be at least {low} characters long"
        if high is not None and length > high:
            return f"must be at most {high} characters long"
    return None
