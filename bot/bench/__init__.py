"""``briefbot bench``: our engine against plain rank-bm25 on synthetic or real corpora.

Each (engine, size) runs in a process of its own (:mod:`bot.bench.measure`) on the same
passages and queries, so the ratios between engines come from one run on one machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.bench.synthetic import write_corpus
from bot.progress import reporter

#: Queries timed per run; rank-bm25 scores every passage per query, so it gets fewer.
QUERIES = 200
REFERENCE_QUERIES = 50
#: The largest corpus rank-bm25 is run on by default (at 1M it needs minutes and gigabytes);
#: above it, top-10 agreement is measured against every passage scored without pruning.
REFERENCE_MAX = 100_000

#: The fields of a run in the text table, with their headings.
COLUMNS = [("engine", "engine"), ("passages", "passages"), ("build_s", "build s"),
           ("load_s", "open s"), ("query_p50_ms", "query p50 ms"),
           ("query_p95_ms", "query p95 ms"), ("query_cpu_p95_ms", "query CPU p95 ms"),
           ("brief_p50_ms", "brief p50 ms"),
           ("brief_p95_ms", "brief p95 ms"), ("free_brief_p95_ms", "free-text brief p95 ms"),
           ("who_p95_ms", "who p95 ms"),
           ("did_you_mean_ms", "did-you-mean ms"), ("fresh_search_s", "fresh search s"),
           ("fresh_brief_s", "fresh brief s"), ("peak_rss_mb", "peak MB"),
           ("top10_agreement", "top-10 agree"), ("agreement_with", "agreed with"),
           ("speedup", "query ×")]


def corpus_for(size: int, seed: int, workdir: Path) -> Path:
    """The synthetic corpus of ``size`` passages, written once per (size, seed) and reused."""
    root = workdir / f"synthetic-{size}-seed{seed}"
    done = root / ".complete"
    if not done.exists():
        write_corpus(root, size, seed, reporter(f"writing {size:,} synthetic passages"))
        done.touch()
    return root


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "bot.bench.measure", json.dumps(spec)],
                            check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _agreement(ours: list[list[int]], reference: list[list[int]]) -> float:
    shares = [len(set(a) & set(b)) / len(b) if b else float(not a)
              for a, b in zip(ours, reference, strict=False)]
    return sum(shares) / len(shares) if shares else float("nan")


def run(sizes: Sequence[int], *, seed: int = 1, knowledge: Path | None = None,
        workdir: Path | None = None, reference_max: int = REFERENCE_MAX,
        queries: int = QUERIES) -> list[dict[str, Any]]:
    """Benchmark both engines on each size (or on ``knowledge``); one dict per run."""
    workdir = workdir or Path(tempfile.gettempdir()) / "briefbot-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    targets = ([(knowledge, None)] if knowledge is not None else
               [(corpus_for(size, seed, workdir), size) for size in sizes])
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    runs: list[dict[str, Any]] = []
    for root, size in targets:
        with tempfile.TemporaryDirectory(dir=workdir, prefix="cache-") as cache:
            spec = {"engine": "briefbot", "knowledge": str(root), "cache": cache, "seed": seed,
                    "query_count": queries, "label": str(size or root), "env": env,
                    "reference_queries": min(queries, REFERENCE_QUERIES)}
            ours = _child(spec)
        ours_top10, asked = ours.pop("top10"), ours.pop("queries")
        exhaustive = ours.pop("exhaustive_top10")
        run_ours = {"engine": "briefbot", **ours}
        runs.append(run_ours)
        if run_ours["passages"] > reference_max:
            run_ours["top10_agreement"] = _agreement(ours_top10, exhaustive)
            run_ours["agreement_with"] = "exhaustive"
        else:
            ref = _child({**spec, "engine": "rank-bm25", "queries": asked})
            ref_top10 = ref.pop("top10")
            run_ours["top10_agreement"] = _agreement(ours_top10, ref_top10)
            run_ours["agreement_with"] = "rank-bm25"
            run_ours["speedup"] = ref["query_p50_ms"] / run_ours["query_p50_ms"]
            runs.append({"engine": "rank-bm25", "passages": run_ours["passages"], "load_s": None,
                         "top10_agreement": 1.0, **ref})
    return runs


def table(runs: list[dict[str, Any]]) -> str:
    """The runs as a Markdown table (readable in a terminal, pasteable in the README)."""
    def cell(value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:.3g}" if value < 100 else f"{value:.0f}"
        return str(value)

    lines = ["| " + " | ".join(h for _, h in COLUMNS) + " |",
             "|" + "|".join(" --- " for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(cell(r.get(k)) for k, _ in COLUMNS) + " |" for r in runs]
    return "\n".join(lines)
