"""``search``: ranked passages for a free-text query, each with its score and citation.

A question asks for a kind of answer that its own words do not contain: "how far is Taiwan
from Japan" wants a distance ("only 110km from the westernmost point of Japan"), and the word
"far" would rank "so far" instead. A question phrase is therefore replaced by the words that
state such an answer (:data:`ANSWER_WORDS`) before ranking; the rest of the query is searched
as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.corpus import Passage
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase
from bot.text import Analyzer, split_sentences

#: Characters of a passage shown in a reply; the JSON carries the whole passage.
EXCERPT_CHARS = 320
#: Question phrases (folded) and the words an answer to them is written with.
ANSWER_WORDS = {
    "how far": "distance km kilometre kilometer mile nautical",
    "how close": "distance km kilometre kilometer mile nautical",
    "how near": "distance km kilometre kilometer mile nautical",
}
_QUESTION_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in ANSWER_WORDS) + r")\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class SearchHit:
    """One ranked passage. ``text`` is the whole passage, verbatim; ``excerpt`` a verbatim span."""

    doc: str
    title: str
    author: str | None
    passage: str
    paragraph: int
    text: str
    score: float
    excerpt: str
    excerpt_is_partial_start: bool = field(default=False, metadata={"internal": True})
    excerpt_is_partial_end: bool = field(default=False, metadata={"internal": True})


@dataclass(frozen=True)
class SearchResult:
    """The answer to ``search QUERY``."""

    query: str
    results: list[SearchHit]
    suggestions: list[str] = field(default_factory=list)
    #: Why nothing was found, when nothing was: "unknown" (no word is in the corpus) or
    #: "common" (only words too common to search for).
    reason: str | None = None


def search(kb: KnowledgeBase, query: str, limit: int = 5) -> SearchResult:
    """Rank the passages of the knowledge base for ``query``.

    Raises
    ------
    UsageError
        When the query is empty or ``limit`` is not between 1 and 25.
    """
    query = " ".join(query.split())
    if not query:
        raise UsageError("Tell me what to search for, e.g. `search senkaku`.")
    if not 1 <= limit <= 25:
        raise UsageError(f"--limit must be between 1 and 25, not {limit}.")
    tokens = query_tokens(kb.analyzer, query)
    if not tokens:
        return SearchResult(query, [], reason="common")
    hits = kb.index.search_tokens(tokens, limit)
    if not hits:
        from bot.answers.suggest import suggest_terms  # rapidfuzz: only when nothing matched

        return SearchResult(query, [], suggest_terms(kb, query), reason="unknown")
    results = []
    for hit in hits:
        doc = kb.corpus.documents[hit.passage.doc_id]
        start, end = excerpt_span(kb.analyzer, hit.passage, set(tokens))
        results.append(SearchHit(
            doc=doc.id, title=doc.label, author=doc.author, passage=hit.passage.id,
            paragraph=hit.passage.number, text=hit.passage.text, score=round(hit.score, 4),
            excerpt=hit.passage.text[start:end],
            excerpt_is_partial_start=start > 0,
            excerpt_is_partial_end=end < len(hit.passage.text.rstrip()),
        ))
    return SearchResult(query, results)


def query_tokens(analyzer: Analyzer, query: str) -> list[str]:
    """The terms ``query`` is ranked by: its own, with question phrases replaced by the
    words of their answers ("how far" → distance, km, mile …, each answer term once)."""
    answers = {ANSWER_WORDS[" ".join(m.group().lower().split())]
               for m in _QUESTION_RE.finditer(query)}
    if not answers:
        return analyzer.tokens(query)
    tokens = analyzer.tokens(_QUESTION_RE.sub(" ", query))
    extra = dict.fromkeys(analyzer.tokens(" ".join(sorted(answers))))
    return tokens + [t for t in extra if t not in tokens]


def excerpt_span(analyzer: Analyzer, passage: Passage, terms: set[str],
                 budget: int = EXCERPT_CHARS) -> tuple[int, int]:
    """The span of whole sentences around the sentence that best matches ``terms``.

    Starts from the sentence sharing most terms with the query and adds neighbours while the
    span stays within ``budget`` characters, so a reply shows why the passage matched.
    """
    sentences = split_sentences(passage.text)
    if not sentences:
        return 0, len(passage.text)
    overlap = [len(terms & set(analyzer.tokens(s.text))) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (overlap[i], -i))
    lo = hi = best
    while True:
        grown = False
        for candidate in (hi + 1, lo - 1):
            if 0 <= candidate < len(sentences):
                new_lo, new_hi = min(lo, candidate), max(hi, candidate)
                if sentences[new_hi].end - sentences[new_lo].start <= budget:
                    lo, hi, grown = new_lo, new_hi, True
                    break
        if not grown:
            return sentences[lo].start, sentences[hi].end
