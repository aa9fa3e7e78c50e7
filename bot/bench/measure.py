"""One benchmark run: one engine over one knowledge directory, in a process of its own.

Run as ``python -m bot.bench.measure SPEC_JSON``; prints one JSON object. A process per run
keeps peak memory (of the process and its forked workers, :class:`TreeMemory`) and warm caches
of one engine out of the other's figures.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.progress import progress


def percentiles(seconds: list[float]) -> tuple[float | None, float | None]:
    """p50 and p95 of ``seconds``, in milliseconds; ``None`` when nothing was timed (a
    small synthetic corpus may name no one to ask ``who`` about), which the table shows as
    "–" and JSON as null (NaN is no JSON)."""
    if not seconds:
        return None, None
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(call: Callable[[Any], Any], arguments: list[Any],
          clock: Callable[[], float] = time.perf_counter, desc: str = "") -> list[float]:
    """The time of ``call(argument)`` for each argument, one at a time: wall time, or with
    ``clock=time.process_time`` this process's CPU time (what other processes on a shared
    machine do not change). Given ``desc``, a progress bar on a terminal (drawn between
    calls, outside the times)."""
    times = []
    for argument in progress(arguments, total=len(arguments), desc=desc) if desc else arguments:
        start = clock()
        call(argument)
        times.append(clock() - start)
    return times


def phase(label: str, name: str) -> None:
    """Say on a terminal which phase of a run starts (a long one draws its own bar)."""
    if sys.stderr.isatty():
        print(f"bench {label}: {name}…", file=sys.stderr, flush=True)


class TreeMemory:
    """The peak memory of this process and every process it forks (a build's workers),
    together, sampled every ``interval`` seconds while running (a context manager; a sample
    reads ``/proc`` for some 2 ms of CPU).

    Each process counts its proportional set size (Linux ``smaps_rollup``), so pages that
    forked workers share with the parent count once: what the machine spends. Elsewhere, or
    where ``/proc`` cannot be read, only this process's ``ru_maxrss`` is known.
    """

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        """The peak so far, in MB: never below this process's own peak resident size."""
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return max(own, self.peak_kb) / 1024

    def _sample(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, tree_kb(os.getpid()))
            if self._done.wait(self.interval):
                return


def tree_kb(root: int) -> int:
    """The proportional set size of process ``root`` and its descendants, in kB (0 if
    ``/proc`` cannot tell)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue  # a process that ended while we looked
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    total = 0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    return total


def fresh_process(args: list[str], env: dict[str, str]) -> float:
    """Wall time of a fresh ``briefbot`` process, as a user starts one."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def briefbot(spec: dict[str, Any]) -> dict[str, Any]:
    """Our engine through the project's API: cold open, warm open, answers, then "did you
    mean" and fresh processes as a new process meets them.

    Peak memory is of the build and the answers (this process and its forked workers): the
    knowledge base opened again for "did you mean", and the fresh processes a user would
    start one at a time, come after it is taken."""
    from bot.answers import brief
    from bot.knowledge import KnowledgeBase
    from bot.snapshot import code_changed

    with TreeMemory() as memory:
        found, settings, typo = _answers(spec)
    found["peak_rss_mb"] = memory.peak_mb
    label = spec["label"]
    gc.collect()  # the answers' knowledge base, now unreferenced, is not collected in a timing
    phase(label, "did you mean, in a knowledge base just opened")
    fresh_kb = KnowledgeBase.open(settings)
    found["did_you_mean_ms"] = timed(lambda q: brief(fresh_kb, q), [typo])[0] * 1000
    topic = found.pop("topic")
    if code_changed():
        # A fresh process would rebuild every artifact and time that, not a start.
        print(f"bench {label}: briefbot's code changed during the run (a commit landed in this "
              "checkout?); fresh-process figures left out: rerun from a checkout nobody "
              "edits", file=sys.stderr, flush=True)
        found["fresh_search_s"] = found["fresh_brief_s"] = None
        return found
    env = {**spec["env"], "BRIEFBOT_CACHE_DIR": spec["cache"]}
    knowledge = ["--knowledge", spec["knowledge"]]
    phase(label, "fresh processes")
    search_fresh = [fresh_process(["search", found["queries"][0], *knowledge], env)
                    for _ in range(3)]
    brief_fresh = [fresh_process(["brief", topic, *knowledge], env) for _ in range(3)]
    found["fresh_search_s"] = statistics.median(search_fresh)
    found["fresh_brief_s"] = statistics.median(brief_fresh)
    return found


def _answers(spec: dict[str, Any]) -> tuple[dict[str, Any], Any, str]:
    """Build, open and time the answers; the figures, the settings and a misspelt query."""
    from bot.answers import brief, who
    from bot.config import load_settings
    from bot.knowledge import KnowledgeBase
    from bot.progress import reporter

    label = spec["label"]
    settings = dataclasses.replace(load_settings(environ={}, dotenv=False),
                                   knowledge_dir=Path(spec["knowledge"]),
                                   cache_dir=Path(spec["cache"]))
    phase(label, "cold build (index, then every artifact)")
    start = time.perf_counter()
    KnowledgeBase.open(settings, progress=reporter(f"indexing {label}"))
    build_s = time.perf_counter() - start
    phase(label, "warm open")
    start = time.perf_counter()
    kb = KnowledgeBase.open(settings)
    load_s = time.perf_counter() - start
    queries = make_queries(list(kb.surface_words), spec["seed"], spec["query_count"])
    # Also the warm-up: the first large query imports numpy, as in any long-running bot.
    top10 = [[h.position for h in kb.index.search(q, 10)] for q in queries]
    # The reference above the sizes rank-bm25 is run at: every passage scored, unpruned.
    exhaustive = exhaustive_top10(kb, queries[:spec["reference_queries"]])
    query_times = timed(lambda q: kb.index.search(q, 10), queries, desc="queries")
    query_cpu = timed(lambda q: kb.index.search(q, 10), queries, time.process_time,
                      desc="queries (CPU)")
    # A named topic's points are found at build time; a free-text topic's when asked, so
    # they are timed apart. Named topics are few: each is asked five times.
    brief_times = timed(lambda t: brief(kb, t), [*kb.corpus.topics] * 5, desc="brief")
    free_times = timed(lambda t: brief(kb, t), queries[:10], desc="free-text brief")
    start = time.perf_counter()
    directory = kb.people
    people_s = time.perf_counter() - start
    # Authors' cards (with their articles' arguments) and others', ten of each if there are.
    people = sorted(directory, key=lambda p: p.name)
    names = ([p.name for p in people if p.bylines][:10]
             + [p.name for p in people if not p.bylines][:10])
    who_times = timed(lambda n: who(kb, n), names, desc="who")
    word = next(iter(kb.surface_words), "security")
    typo = word[:-2] + word[-1] + word[-2]
    query_p50, query_p95 = percentiles(query_times)
    cpu_p50, cpu_p95 = percentiles(query_cpu)
    brief_p50, brief_p95 = percentiles(brief_times)
    free_p50, free_p95 = percentiles(free_times)
    who_p50, who_p95 = percentiles(who_times)
    return {"passages": len(kb.index.passages), "build_s": build_s, "load_s": load_s,
            "query_p50_ms": query_p50,
            "query_p95_ms": query_p95, "query_cpu_p50_ms": cpu_p50, "query_cpu_p95_ms": cpu_p95,
            "brief_p50_ms": brief_p50, "brief_p95_ms": brief_p95,
            "free_brief_p50_ms": free_p50, "free_brief_p95_ms": free_p95,
            "who_p50_ms": who_p50, "who_p95_ms": who_p95, "people_open_s": people_s,
            "top10": top10, "queries": queries, "exhaustive_top10": exhaustive,
            "topic": next(iter(kb.corpus.topics), queries[0])}, settings, f"{typo} {typo[::-1]}"


def exhaustive_top10(kb: Any, queries: list[str]) -> list[list[int]]:
    """The top 10 of each query with every matching passage scored from the engine's
    precomputed scores, token by token in query order (rank-bm25's sums, no MaxScore, no
    sampled threshold): what the engine's pruning must reproduce where rank-bm25 itself
    would take minutes and gigabytes."""
    import numpy as np

    arrays = kb.index.engine.arrays()
    indptr, docs, scores = (np.asarray(arrays[name]) for name in ("indptr", "docs", "scores"))
    vocabulary, size = kb.index.engine.vocabulary, len(kb.index.passages)
    found = []
    for query in queries:
        total, held = np.zeros(size), np.zeros(size, dtype=bool)
        for term in kb.analyzer.tokens(query):
            if term in vocabulary:
                lo, hi = int(indptr[vocabulary[term]]), int(indptr[vocabulary[term] + 1])
                total[docs[lo:hi]] += scores[lo:hi]
                held[docs[lo:hi]] = True
        matching = np.flatnonzero(held)
        order = np.lexsort((matching, -total[matching]))[:10]
        found.append(matching[order].tolist())
    return found


def make_queries(words: list[str], seed: int, count: int) -> list[str]:
    """``count`` queries of 1-3 corpus words, ranks drawn log-uniformly from the frequency
    list (``words``, most frequent first) so common and rare words both appear."""
    rng = random.Random(seed)
    if not words:
        return ["security"] * count
    queries = []
    for _ in range(count):
        picks = [words[min(len(words) - 1, int(math.exp(rng.uniform(0, math.log(len(words))))))]
                 for _ in range(rng.randint(1, 3))]
        queries.append(" ".join(picks))
    return queries


def rank_bm25(spec: dict[str, Any]) -> dict[str, Any]:
    """Plain rank-bm25 ``BM25Okapi`` over the same analysed passages."""
    from rank_bm25 import BM25Okapi

    from bot.corpus import load_corpus
    from bot.text import Analyzer

    with TreeMemory() as memory:
        corpus = load_corpus(Path(spec["knowledge"]))
        analyzer = Analyzer(corpus.synonyms)
        start = time.perf_counter()
        passages = list(corpus.passages())
        tokens = [analyzer.tokens(p.text)
                  for p in progress(passages, total=len(passages), desc="rank-bm25: analysing")]
        model = BM25Okapi(tokens, k1=1.2, b=0.75)
        build_s = time.perf_counter() - start
        sets = [set(t) for t in tokens]

        def top_k(query: str) -> list[int]:
            terms = analyzer.tokens(query)
            scores = model.get_scores(terms)
            wanted = set(terms)
            matching = [i for i, doc in enumerate(sets) if doc & wanted]
            return sorted(matching, key=lambda i: (-scores[i], i))[:10]

        queries: list[str] = spec["queries"][:spec["reference_queries"]]
        query_times = timed(top_k, queries, desc="rank-bm25: queries")
        top10 = [top_k(q) for q in queries]
    query_p50, query_p95 = percentiles(query_times)
    return {"build_s": build_s, "query_p50_ms": query_p50, "query_p95_ms": query_p95,
            "peak_rss_mb": memory.peak_mb, "top10": top10}


ENGINES = {"briefbot": briefbot, "rank-bm25": rank_bm25}


if __name__ == "__main__":
    job = json.loads(sys.argv[1])
    print(json.dumps(ENGINES[job["engine"]](job)))
