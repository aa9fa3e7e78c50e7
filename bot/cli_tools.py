"""The terminal-only subcommands: ``check``, ``ingest``, ``eval``, ``bench`` and ``digest``.

:mod:`bot.cli` parses the command line and calls these with the parsed arguments; each
prints its report (or its JSON with ``--json``) to ``out`` and returns the exit code.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from bot.answers.results import to_json
from bot.config import Settings
from bot.corpus import check_knowledge, problem_report
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase
from bot.session import Session


def check(root: Path, as_json: bool, out: TextIO) -> int:
    """``check``: every problem of the knowledge directory ``root``; exit 1 if there is one."""
    problems = check_knowledge(root)
    if as_json:
        print(json.dumps({"knowledge": str(root), "ok": not problems, "problems": [
            {"file": str(p.path), "line": p.line, "problem": p.problem} for p in problems]},
            indent=2), file=out)
    else:
        print(problem_report(root, problems), file=out)
    return 1 if problems else 0


def ingest(args: argparse.Namespace, settings: Settings, as_json: bool, out: TextIO) -> int:
    """``ingest FILE…``: raw article text to ``articles/<id>.md``, saying what was dropped."""
    from bot.ingest import ingest_files

    out_dir = args.out or settings.knowledge_dir / "articles"
    reports = ingest_files(args.files, out_dir, keep_dropped=args.keep_dropped)
    if as_json:
        print(json.dumps(to_json(reports), ensure_ascii=False, indent=2, default=str), file=out)
        return 0
    for report in reports:
        print(f"{report.origin} → {report.path} ({len(report.paragraphs)} paragraphs)", file=out)
        for key, value in report.metadata.items():
            if key not in ("id", "origin"):
                print(f"  {key}: {value if value is not None else '(not in the text)'}",
                      file=out)
        verb = "kept" if args.keep_dropped else "dropped"
        for dropped in report.dropped:
            snippet = dropped.text if len(dropped.text) <= 90 else dropped.text[:89] + "…"
            print(f"  {verb} ({dropped.reason}): {snippet}", file=out)
    return 0


def bench(args: argparse.Namespace, as_json: bool, out: TextIO) -> int:
    """``bench``: our engine against plain rank-bm25 on synthetic corpora."""
    from bot import bench

    knowledge = getattr(args, "knowledge", None)
    runs = bench.run(args.sizes, seed=args.seed, knowledge=knowledge, workdir=args.workdir)
    print(json.dumps({"runs": runs}, indent=2) if as_json else bench.table(runs), file=out)
    return 0


def evaluate(args: argparse.Namespace, kb: KnowledgeBase, as_json: bool, out: TextIO) -> int:
    """``eval``: retrieval, briefings and people against their gold lists and baselines."""
    from bot.brief_eval import bundled_report, heldout_report
    from bot.eval_data import require_checkout
    from bot.evaluation import evaluate, load_judgements
    from bot.people_eval import people_report

    require_checkout()
    raw = sorted(args.raw.glob("*.txt"))
    if not raw:
        raise UsageError(f"no raw article files (*.txt) in {args.raw}")
    report = evaluate(kb, load_judgements(args.queries, kb.corpus), raw)
    briefs = [*bundled_report(kb), *heldout_report()]
    people = people_report(kb)
    if as_json:
        print(json.dumps({**to_json(report), "briefs": [c.figures() for c in briefs],
                          "people": [p.figures() for p in people]}, indent=2), file=out)
        return 0
    print(f"{report.queries} judged queries · nDCG@5 and MRR@10, measured in this run\n", file=out)
    print(f"{'system':<40} {'nDCG@5':>7} {'MRR':>7} {'teaser/byline hits':>19}", file=out)
    for system in (report.baseline, report.ours):
        print(f"{system.name:<40} {system.ndcg5:>7.3f} {system.mrr:>7.3f} {system.foreign:>19}",
              file=out)
    print(f"\nbriefbot / baseline nDCG@5: ×{report.ndcg_ratio:.2f}", file=out)
    print("\nBriefings against the gold lists (core items covered by the points shown; "
          "held-out: tests/data/heldout ingested beside the bundled five)", file=out)
    for coverage in briefs:
        print(coverage.summary(), file=out)
    print("\nPeople against the gold lists (tests/eval/people.yaml, tests/data/heldout/gold.yaml)",
          file=out)
    for figures in people:
        print(figures.summary(), file=out)
    return 0


def digest(args: argparse.Namespace, session: Session, as_json: bool, out: TextIO) -> int:
    """``digest``: what each schedule would post now, or (``--schedule``) the next runs."""
    from datetime import UTC, datetime

    from bot.digest import overview

    settings, prefix = session.settings, session.settings.command_prefix
    declared = overview.declared_schedules(settings)
    store = overview.open_existing_store(settings.data_dir)
    try:
        if args.schedule:
            listing = overview.full_list(declared, store, datetime.now(UTC))
            print(json.dumps(to_json(listing), ensure_ascii=False, indent=2) if as_json
                  else session.terminal.render("digest_list", listing, prefix=prefix), file=out)
            return 0
        previews = overview.previews(session.kb, declared, store, session.renderer, prefix,
                                     args.topic)
    finally:
        if store is not None:
            store.close()
    if as_json:
        print(json.dumps(to_json(previews), ensure_ascii=False, indent=2), file=out)
        return 0
    for number, preview in enumerate(previews):
        where = (f"digest #{preview.schedule_id}" if preview.schedule_id is not None
                 else "digest (preview)")
        if preview.channel_id is not None:
            where += f" to channel {preview.channel_id}"
        if number:
            print(file=out)
        print(f"── {where} · topic {preview.topic} ──", file=out)
        # The digest as Discord would show it, so its hints keep the bot's syntax.
        print(session.terminal.render("digest", preview.digest, prefix=prefix), file=out)
    return 0
