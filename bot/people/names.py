"""Personal names: which part is the surname, the aliases a name implies, and lookup keys.

Name order is the trap here. English-language reporting writes Japanese and Western names
given name first ("Nobuo Kishi", "Lloyd Austin") but Chinese, Taiwanese, Korean and
Vietnamese names surname first ("Tsai Ing-wen", "Xi Jinping", "Huynh Tam Sang"), except
when the bearer writes it Western style ("Yu-Shih Liao", "Eddy Chang"). The rules below read
the order from the name's shape; ``people.yaml`` corrects whatever they get wrong.
"""

from __future__ import annotations

import re

from bot.text import fold

# Romanised surnames that open a name written surname first. Only consulted for names
# without a hyphenated part, whose position already settles the order.
_SURNAME_FIRST_TEXT = """
    bai cai cao chan chang chao chen cheng chiang chiu chou chu chung deng ding dong du fan fang
    feng fu gao gong gu guo han hao he hou hsieh hsu hu hua huang hung ji jia jiang jin kang ko
    koo kuo lai lee li liang liao lii lim lin liu lo lu luo lyu ma mao ng pan peng qian qin qiu
    ren shen shi song su sun tan tang tian tsai tsao tseng tso wan wang wei wen wong wu xi xia
    xiao xie xu xue yan yang yao ye yeh yi yin you yu yuan zeng zhang zhao zheng zhou zhu
    bui dang dinh do doan duong ha hoang ho huynh khuc lam le luong ly mai ngo nguyen pham phan
    quach tran trinh truong vo vu
    choi jeon jung kim moon park shin yoon
"""
SURNAME_FIRST = frozenset(_SURNAME_FIRST_TEXT.split())

_HYPHENATED_RE = re.compile(r"^[^\W\d_]+-[^\W\d_]+$")
_KEY_DROP_RE = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """The lookup key of a name: folded, without spaces, hyphens or punctuation.

    "Yu-Shih Liao", "yushih liao" and "YUSHIH-LIAO" all become ``yushihliao``; a trailing
    possessive ("Abe’s") is dropped first.
    """
    folded = fold(text).strip()
    folded = re.sub(r"'s$", "", folded)
    return _KEY_DROP_RE.sub("", folded)


def split_name(name: str) -> tuple[str, str]:
    """``(given names, surname)`` of a personal name; the given part may be empty.

    A hyphenated part is the given name (Tsai Ing-wen, Yu-Shih Liao); otherwise a known
    East-Asian surname in first place (Xi Jinping, Huynh Tam Sang) comes first; otherwise
    the surname is last (Nobuo Kishi, Eddy Chang).
    """
    parts = name.split()
    if len(parts) < 2:
        return "", name
    first, last = parts[0], parts[-1]
    if _HYPHENATED_RE.match(last) and not _HYPHENATED_RE.match(first):
        return " ".join(parts[1:]), first
    if _HYPHENATED_RE.match(first) and not _HYPHENATED_RE.match(last):
        return " ".join(parts[:-1]), last
    if first.lower() in SURNAME_FIRST:
        return " ".join(parts[1:]), first
    return " ".join(parts[:-1]), last


def dehyphenate(name: str) -> str:
    """``name`` with each hyphenated part run together: "Yu-Shih Liao" → "Yushih Liao"."""
    return " ".join(part[0] + part[1:].replace("-", "").lower() if "-" in part else part
                    for part in name.split())


def implied_aliases(name: str) -> tuple[str, ...]:
    """The aliases a name implies: its surname, and the name without hyphens if it has any."""
    aliases = []
    _given, surname = split_name(name)
    if surname != name:
        aliases.append(surname)
    if "-" in name:
        aliases.append(dehyphenate(name))
    return tuple(aliases)


def lookup_keys(name: str, aliases: tuple[str, ...] = ()) -> frozenset[str]:
    """Every key a user may type for this person.

    The full name, each alias, each part of the name (surname or given name alone:
    "ingwen"), and both name orders ("Kishi Nobuo").
    """
    parts = name.split()
    forms = [name, *aliases, *parts]
    if len(parts) > 1:
        given, surname = split_name(name)
        forms += [f"{surname} {given}", f"{given} {surname}"]
    return frozenset(key for key in map(name_key, forms) if len(key) >= 2)


def split_credit(credit: str) -> list[str]:
    """The names in a front-matter credit: "A and B", "A, B & C" → each name."""
    names = re.split(r"\s*(?:,|;|&|\band\b)\s*", credit)
    return [" ".join(n.split()) for n in names if n.strip()]
