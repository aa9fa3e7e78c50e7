"""A synthetic corpus in the project's own article format, for benchmarks.

Sentences keep the shapes of the bundled articles (their function words, punctuation and
length) while content words are drawn from a Zipf-like distribution (``p(rank) ~ 1/rank``)
over the bundled vocabulary followed by a long tail of pronounceable made-up words, and
capitalised words from the bundled names and places. Paragraphs hold 40-80 words, articles
about 20 paragraphs. The same seed always writes the same corpus.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bot.corpus import BUNDLED_KNOWLEDGE, load_corpus
from bot.text import STOPWORDS, split_sentences

#: Made-up words after the bundled vocabulary: a realistic archive has a long tail.
TAIL_WORDS = 50_000
_WORD_RE = re.compile(r"^([^\w]*)(\w[\w'’-]*)([^\w]*)$")
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"]


class _Shapes:
    """Sentence templates with ``{}`` for each content word and ``{!s}``-free literals."""

    def __init__(self) -> None:
        corpus = load_corpus(BUNDLED_KNOWLEDGE)
        words: Counter[str] = Counter()
        names: Counter[str] = Counter()
        self.templates: list[tuple[str, list[bool], int]] = []  # (format, is-name, words)
        for passage in corpus.passages():
            for sentence in split_sentences(passage.text):
                parts, kinds = [], []
                tokens = sentence.text.split()
                for i, token in enumerate(tokens):
                    match = _WORD_RE.match(token)
                    if not match or match[2].lower() in STOPWORDS or match[2].isdigit():
                        parts.append(token.replace("{", "{{").replace("}", "}}"))
                        continue
                    lead, word, trail = match.groups()
                    is_name = word[0].isupper() and i > 0
                    (names if is_name else words)[word if is_name else word.lower()] += 1
                    parts.append(f"{lead}{{}}{trail}".replace("{{}}", "{}"))
                    kinds.append(is_name)
                if kinds:
                    self.templates.append((" ".join(parts), kinds, len(tokens)))
        self.words = [w for w, _ in words.most_common()]
        self.names = [w for w, _ in names.most_common()]


def _tail(rng: random.Random, count: int) -> list[str]:
    seen: set[str] = set()
    while len(seen) < count:
        seen.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(seen)


def write_corpus(root: Path, passages: int, seed: int = 1,
                 progress: Callable[[int, int], None] | None = None) -> Path:
    """Write a knowledge directory of ``passages`` paragraphs under ``root`` and return it,
    reporting ``progress(written, passages)`` after each article.

    ``topics.yaml`` and ``synonyms.yaml`` are the bundled ones, so ``brief`` has topics; there
    is no ``people.yaml`` (its roles cite bundled passages), so people are all discovered.
    """
    rng = random.Random(seed)
    shapes = _Shapes()
    vocabulary = shapes.words + _tail(rng, TAIL_WORDS)
    word_weights = list(itertools.accumulate(1 / r for r in range(1, len(vocabulary) + 1)))
    name_weights = list(itertools.accumulate(1 / r for r in range(1, len(shapes.names) + 1)))
    if root.exists():
        shutil.rmtree(root)
    articles = root / "articles"
    articles.mkdir(parents=True)
    for name in ("topics.yaml", "synonyms.yaml"):
        shutil.copy(BUNDLED_KNOWLEDGE / name, root / name)
    written, number = 0, 0
    day = dt.date(2020, 1, 1)
    while written < passages:
        number += 1
        count = min(rng.randint(15, 25), passages - written)
        paragraphs = []
        for _ in range(count):
            target, sentences, length = rng.randint(40, 80), [], 0
            while length < target:
                template, kinds, size = rng.choice(shapes.templates)
                if length and length + size > 80:
                    template, kinds, size = min(
                        (rng.choice(shapes.templates) for _ in range(8)), key=lambda t: t[2])
                    if length + size > 80:
                        break
                words = iter(rng.choices(vocabulary, cum_weights=word_weights, k=len(kinds)))
                names = iter(rng.choices(shapes.names, cum_weights=name_weights, k=len(kinds)))
                filled = [next(names) if is_name else next(words) for is_name in kinds]
                sentence = template.format(*filled)
                sentences.append(sentence[0].upper() + sentence[1:])
                length += size
            paragraphs.append(" ".join(sentences))
        author = " ".join(rng.choices(shapes.names, cum_weights=name_weights, k=2))
        title = " ".join(rng.choices(vocabulary[:2000], k=5)).title()
        front = (f"---\nid: syn-{number:06d}\ntitle: \"{title}\"\nauthor: {author}\n"
                 f"publisher: Synthetic Press\npublished: {day + dt.timedelta(days=number % 3650)}"
                 "\n---\n")
        (articles / f"syn-{number:06d}.md").write_text(front + "\n\n".join(paragraphs) + "\n",
                                                       encoding="utf-8")
        written += count
        if progress is not None:
            progress(written, passages)
    return root
