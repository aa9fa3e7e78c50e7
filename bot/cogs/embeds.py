"""Answers as Discord embeds: layout, fitting and paging of the core's result objects.

The core decides what an answer says (points, hits, roles, each with its citation); this module
decides how it looks on Discord. Each cited item ends in a compact marker (``[1]``) and the
embed's "Sources" field resolves every marker of the page to a short label and the passage id
(``doc#p7``) that ``source`` shows. Pages are built to fit Discord's embed limits (and a few
items per page, so a phone shows each page without scrolling far).

Embeds are plain dicts in the shape of Discord's API (``discord.Embed.from_dict`` takes them),
so this module does not import discord and ``briefbot … --format discord`` can print them.
A result this module has no layout for (help, sources, answers that found nothing) is sent as
the plain text the templates render: :func:`embed_pages` returns None for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.answers.brief import BriefPoint, BriefResult
from bot.answers.search import SearchResult
from bot.answers.sources import SourceResult
from bot.answers.topics import TopicsResult
from bot.answers.who import WhoResult
from bot.outgoing import outgoing
from bot.render import clip, escape_markdown

# Discord's limits on one embed (https://discord.com/developers/docs/resources/message).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000

#: Cited items on one page: what a phone shows without much scrolling.
ITEMS_PER_PAGE = 5
#: Characters of one page's description; well under the 4,096 allowed, for the same reason.
PAGE_BUDGET = 2400
#: The colour of the bar beside every answer.
COLOUR = 0x3B82F6
SOURCES_FIELD = "Sources"


@dataclass(frozen=True)
class Citation:
    """Marker ``[number]`` of a page: the passage it cites and its document's short label."""

    number: int
    passage: str  # doc#pN (doc#byline for a byline)
    label: str


@dataclass(frozen=True)
class EmbedPage:
    """One page of an answer: its embed and the citations it shows (for the citation menu)."""

    embed: dict[str, Any]
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Item:
    """A cited line of an answer: markdown text and the passages its markers stand for.

    The marker of ``passages[i]`` goes where :func:`mark` ``(i)`` stands in the text, or at
    the end of the line when the text does not place it.
    """

    text: str
    passages: tuple[str, ...] = ()
    heading: str | None = None  # starts a section ("**Roles**") when it differs from the last


def mark(index: int) -> str:
    """Where the marker of an item's ``passages[index]`` goes in its text."""
    return f"\x1f{index}\x1f"


def _doc_of(passage: str) -> str:
    return passage.split("#", 1)[0]


def _sources_field(citations: Sequence[Citation]) -> dict[str, Any]:
    """One line per cited document: its label and id, then each marker's paragraph.

    ``[3] #p9`` under `security-japan-taiwan` reads as `security-japan-taiwan#p9`; the id is
    written once per document rather than once per marker (the long part of a citation).
    """
    by_doc: dict[str, list[Citation]] = {}
    for citation in citations:
        by_doc.setdefault(_doc_of(citation.passage), []).append(citation)
    lines = []
    for doc, cited in by_doc.items():
        places = ", ".join(f"[{c.number}] #{c.passage.split('#', 1)[1]}" for c in cited)
        lines.append(f"{escape_markdown(cited[0].label)} `{doc}` {places}")
    return {"name": SOURCES_FIELD, "value": "\n".join(lines), "inline": False}


def embed_size(embed: Mapping[str, Any]) -> int:
    """Characters counted towards Discord's 6,000 per embed (title, description, fields, …)."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total + sum(len(f.get("name") or "") + len(f.get("value") or "")
                       for f in embed.get("fields") or [])


def _embed(title: str, description: str, footer: str | None,
           fields: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    embed: dict[str, Any] = {"title": clip(title, TITLE_MAX), "color": COLOUR,
                             "description": description}
    if fields:
        embed["fields"] = list(fields)
    if footer:
        embed["footer"] = {"text": clip(footer, FOOTER_MAX)}
    return embed


def _page_text(intro: str, lines: Sequence[str]) -> str:
    return "\n\n".join(part for part in (intro, *lines) if part)


def cited_pages(title: str, intro: str, items: Sequence[Item], labels: Mapping[str, str],
                footer: str | None = None) -> list[EmbedPage]:
    """Lay ``items`` out on pages: each marker numbered per page, resolved in its sources field.

    A page takes items while it stays within :data:`ITEMS_PER_PAGE`, :data:`PAGE_BUDGET` and
    every Discord limit; an item too long for any page is clipped (with "…") to fit alone.
    """
    pages: list[EmbedPage] = []
    lines: list[str] = []
    cites: list[Citation] = []
    heading: str | None = None

    def flush() -> None:
        fields = [_sources_field(cites)] if cites else []
        pages.append(EmbedPage(_embed(title, _page_text(intro if not pages else "", lines),
                                      footer, fields), tuple(cites)))

    def render(item: Item, mine: list[Citation], section: str | None) -> str:
        line = item.text
        for index, citation in enumerate(mine):
            marker = f" [{citation.number}]"
            line = line.replace(mark(index), marker) if mark(index) in line else line + marker
        head = f"{item.heading}\n" if item.heading and item.heading != section else ""
        return f"{head}{line}"

    for item in items:
        for _attempt in range(2):
            numbered = list(cites)
            mine: list[Citation] = []
            for passage in item.passages:
                found = next((c for c in numbered if c.passage == passage), None)
                if found is None:
                    found = Citation(len(numbered) + 1, passage,
                                     labels.get(_doc_of(passage), _doc_of(passage)))
                    numbered.append(found)
                mine.append(found)
            line = render(item, mine, heading)
            trial = _embed(title, _page_text(intro if not pages else "", [*lines, line]),
                           footer, [_sources_field(numbered)] if numbered else [])
            fits = (len(lines) < ITEMS_PER_PAGE and len(trial["description"]) <= PAGE_BUDGET
                    and len(trial.get("fields", [{}])[0].get("value", "")) <= FIELD_VALUE_MAX
                    and embed_size(trial) <= EMBED_TOTAL_MAX)
            if fits or not lines:
                if not fits:  # alone on a page and still too long: clip the quote itself
                    room = PAGE_BUDGET - len(trial["description"]) + len(line)
                    line = clip(line, max(room, 200))
                lines.append(line)
                cites = numbered
                heading = item.heading or heading
                break
            flush()
            lines, cites, heading = [], [], None
    if lines or not pages:
        flush()
    return pages


def text_pages(title: str, intro: str, lines: Sequence[str],
               footer: str | None = None) -> list[EmbedPage]:
    """Uncited lines (topics, one source's paragraphs) on pages within the same budgets."""
    pages: list[EmbedPage] = []
    current: list[str] = []
    for line in lines:
        line = clip(line, PAGE_BUDGET) if len(line) > PAGE_BUDGET else line
        description = _page_text(intro if not pages else "", [*current, line])
        if current and len(description) > PAGE_BUDGET:
            pages.append(EmbedPage(_embed(title, _page_text(intro if not pages else "", current),
                                          footer)))
            current = []
        current.append(line)
    pages.append(EmbedPage(_embed(title, _page_text(intro if not pages else "", current),
                                  footer)))
    return pages


# ------------------------------------------------------------------ one layout per answer kind


def brief_pages(r: BriefResult, labels: Mapping[str, str], prefix: str) -> list[EmbedPage] | None:
    """A brief: the points, each with who makes it (when not the author) and its marker."""
    if not r.found:
        return None
    md = escape_markdown
    title = (f"📋 Brief: {md(r.topic)}" if r.status == "topic"
             else f"📋 Brief: “{md(clip(r.topic, 60))}”")
    one = r.discussed_in == 1
    if r.status == "topic":
        verb = "discusses this" if one else "discuss this"
    else:
        verb = "mentions it" if one else "mention it"
    count = f"{r.discussed_in} of {r.documents} source{'s' if r.documents != 1 else ''}"
    intro = "\n".join(part for part in (
        f"*{md(r.description)}*" if r.description else "",
        f"{count} {verb}; each point is quoted verbatim.",
        f"(No match for: {md(clip(', '.join(r.unknown_words), 80))}.)" if r.unknown_words else "",
    ) if part)
    items = [_brief_item(p, labels) for p in r.points]
    footer = None
    if r.available > len(r.points):
        footer = (f"{r.available} distinct points: {prefix}brief "
                  f"{clip(r.query.replace('`', ''), 60)} --limit {r.available}")
    return cited_pages(title, intro, items, labels, footer)


#: Other statements of a point named under it; the rest are counted.
ALSO_SHOWN = 3


def _brief_item(p: BriefPoint, labels: Mapping[str, str]) -> Item:
    md = escape_markdown
    passages: list[str] = []
    text = "• "
    if p.context and p.context_passage:  # the sentence the point leans on, cited on its own
        text += f"{md(p.context)}{mark(len(passages))} "
        passages.append(p.context_passage)
    text += md(p.text) + (f" — *{md(p.by)}*" if p.by and not p.by_author else "")
    text += mark(len(passages))
    passages.append(p.passage)
    if p.also:
        names = []
        for also in p.also[:ALSO_SHOWN]:
            names.append(f"*{md(also.by or labels.get(also.doc, also.title))}*"
                         f"{mark(len(passages))}")
            passages.append(also.passage)
        more = len(p.also) - ALSO_SHOWN
        text += "\n  also made by " + ", ".join(names) + (f" and {more} more" if more > 0 else "")
    return Item(text, tuple(passages))


def search_pages(r: SearchResult, labels: Mapping[str, str], prefix: str
                 ) -> list[EmbedPage] | None:
    """Search hits, best first, each an excerpt of its passage with its marker."""
    if not r.results:
        return None
    n = len(r.results)
    items = []
    for hit in r.results:
        start = "…" if hit.excerpt_is_partial_start else ""
        end = "…" if hit.excerpt_is_partial_end else ""
        items.append(Item(f"> {start}{escape_markdown(hit.excerpt)}{end}", (hit.passage,)))
    intro = f"{n} passage{'s' if n != 1 else ''}, best first"
    return cited_pages(f"🔎 {escape_markdown(clip(r.query, 80))}", intro, items, labels,
                       f"{prefix}source ID#pN shows a whole paragraph")


def who_pages(r: WhoResult, labels: Mapping[str, str], prefix: str) -> list[EmbedPage] | None:
    """A person card: roles, quotes in their own words, mentions; every line cited."""
    if not r.found or r.name is None:
        return None
    md = escape_markdown
    intro = f"Also: {md(', '.join(r.aliases))}" if r.aliases else ""
    wrote = [f"✍️ {'Wrote' if a.credit == 'author' else 'Translated'} "
             f"*{md(a.title)}* · `{a.doc}`" for a in r.authored]
    intro = "\n".join(part for part in (intro, *wrote) if part)
    items = [Item(f"• {md(g.text)}", tuple(c.passage for c in g.citations[:1]), "**Roles**")
             for g in r.role_groups]
    items += [Item(f"> {md(clip(q.text, 320))}", (q.passage,), "💬 **In their own words**")
              for q in r.shown_quotes]
    items += [Item(f"• {'…' if m.partial_start else ''}{md(m.excerpt)}"
                   f"{'…' if m.partial_end else ''}", (m.passage,), "📰 **Mentioned**")
              for m in r.shown_mentions]
    if not r.shown_mentions and not r.quotes:
        bio = any(c.paragraph == 0 for c in r.role_citations)
        said = (": the byline is all the corpus says" if bio else
                ": the front-matter credit is all the corpus says" if r.authored else "")
        intro = "\n".join(p for p in (intro, f"The article text never names {md(r.name)}{said}.")
                           if p)
    more = r.more_quotes + r.more_mentions
    footer = f"More: {prefix}search {r.search_hint}" if more and r.search_hint else None
    return cited_pages(f"👤 {md(r.name)}", intro, items, labels, footer)


def source_pages(r: SourceResult, labels: Mapping[str, str], prefix: str
                 ) -> list[EmbedPage] | None:
    """One document (or one paragraph): its paragraphs, numbered as citations number them."""
    if not r.found or r.source is None:
        return None
    s = r.source
    md = escape_markdown
    meta = " · ".join(part for part in (
        md(s.author) if s.author else "author not stated",
        f"translated by {md(s.translator)}" if s.translator else "",
        md(s.publisher) if s.publisher else "",
        s.published.isoformat() if s.published else "") if part)
    if s.byline and len(r.paragraphs) > 1:
        meta += f"\n*Byline:* {md(s.byline)} · `{s.doc}#byline`"
    lines = [f"**{'¶' + str(p.number) if p.number else 'byline'}** {md(p.text)}"
             for p in r.paragraphs]
    footer = (r.paragraphs[0].passage if len(r.paragraphs) == 1
              else f"{s.doc} · {prefix}source {s.doc}#pN shows one paragraph")
    return text_pages(f"📄 {md(s.title)}", meta, lines, footer)


def topics_pages(r: TopicsResult, labels: Mapping[str, str], prefix: str
                 ) -> list[EmbedPage] | None:
    """The topics, each with its description."""
    if not r.topics:
        return None
    n = len(r.topics)
    lines = [f"**{md_name}** — {escape_markdown(t.description)}"
             for t in r.topics for md_name in (escape_markdown(t.name),)]
    return text_pages(f"🗂️ {n} topic{'s' if n != 1 else ''} to brief on", "", lines,
                      f"{prefix}brief NAME · any other words work too, e.g. {prefix}brief "
                      "coast guard")


Layout = Callable[[Any, Mapping[str, str], str], "list[EmbedPage] | None"]

#: The answer kinds shown as embeds, by template kind.
LAYOUTS: dict[str, Layout] = {
    "brief": brief_pages, "search": search_pages, "who": who_pages, "source": source_pages,
    "topics": topics_pages,
}


def clean_embed(embed: Mapping[str, Any], clean: Callable[[str], str]) -> dict[str, Any]:
    """``embed`` with ``clean`` applied to every text in it (the last check before sending)."""
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return clean(value)
        if isinstance(value, Mapping):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value
    return walk(embed)


def embed_cleaner(redact: Callable[[str], str] = str) -> Callable[[str], str]:
    """The outgoing hygiene for a text inside an embed: fitted to an embed's longest field
    (the builder keeps each field within its own limit), not to a message's 2,000."""
    return lambda text: outgoing(redact(text), limit=DESCRIPTION_MAX)

def embed_pages(kind: str, result: Any, labels: Mapping[str, str], prefix: str
                ) -> list[EmbedPage] | None:
    """The embed pages of a result of ``kind``, or None where the plain text is the answer."""
    layout = LAYOUTS.get(kind)
    return layout(result, labels, prefix) if layout else None
