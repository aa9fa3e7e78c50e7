"""Everything a start needs, saved once under a hash of the knowledge directory.

A snapshot directory holds:

* the corpus: ``texts.bin``, every passage's text, UTF-8, one after another, read when a
  passage is made; ``passages.bin``, the passages' arrays (offsets into ``texts.bin``,
  document, paragraph number, line), memory-mapped; ``corpus.pickle``, the documents'
  metadata, people, topics and synonyms (small), and where each array lies;
* the index: ``postings.bin``, the BM25 arrays, memory-mapped, so a start reads only the
  pages a query touches; ``index.pickle``, the vocabulary, the "did you mean" words and where
  each array lies;
* the registered artifacts (``artifact-*.pickle``, see :mod:`bot.knowledge`), each loaded only
  by the first answer that asks for it.

A warm start therefore unpickles no passage: :mod:`bot.corpus.stored` makes a passage from the
maps when an answer shows it. Whether a snapshot is current is decided without reading any
article: its name is a hash of every knowledge file's name, size and modification time, of the
code that parses, analyses and indexes, and of the BM25 parameters. An edited article, a new
``synonyms.yaml`` or an upgraded analyzer gives a new name, hence a rebuild. Writes go to a
temporary directory or file that is renamed into place, so a crash or a concurrent start never
leaves half a snapshot; a snapshot damaged afterwards (truncated, unreadable) is rebuilt.

A cold build writes the corpus first (:meth:`Snapshot.stage`) and indexes the corpus read
back from it, memory-mapped: the build then holds no copy of the texts (its workers read
theirs from the page cache), which at a million passages is 0.4 GB less at its peak.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mmap
import os
import pickle
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import snowballstemmer

from bot.corpus import Corpus
from bot.corpus.stored import FileBytes, StoredDocuments, StoredPassages, packed
from bot.index import PassageIndex
from bot.index.bm25 import PostingsEngine
from bot.parallel import bulk
from bot.text import ANALYZER_VERSION, Analyzer

log = logging.getLogger(__name__)

#: Bump when the snapshot layout changes, so old snapshots are ignored rather than misread.
SNAPSHOT_FORMAT = 4
_PACKAGE = Path(__file__).resolve().parent
#: The code whose output a snapshot stores: a change to any of it means a rebuild.
_INDEX_CODE = ("corpus", "text.py", "snapshot.py", "index")
#: The arrays of ``postings.bin`` (the engine's, in its arguments' order) and of
#: ``passages.bin``, with their typecodes.
_POSTINGS = {"indptr": "q", "docs": "i", "scores": "d", "maxscore": "d", "bestptr": "q",
             "best": "i"}
_PASSAGES = {"starts": "q", "passage_doc": "i", "numbers": "i", "lines": "i", "bounds": "q"}
_TYPECODES = {**_POSTINGS, **_PASSAGES}
#: A temporary snapshot directory older than this was left by a crashed save.
TEMPORARY_LIFETIME_S = 3600
#: What may go wrong reading a damaged snapshot: each means "rebuild it".
_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, KeyError, IndexError, ValueError,
               TypeError, AttributeError, ImportError)


def _stamp(paths: Iterable[Path | str]) -> str:
    """A hash of the names, sizes and modification times of ``paths`` (not their contents)."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _articles(root: Path) -> list[str]:
    """The article files of knowledge directory ``root`` (``articles/*.md``), sorted."""
    folder = os.path.join(root, "articles")
    try:
        with os.scandir(folder) as entries:
            # Plain names, not Path objects: a million-passage archive has ~50,000 articles.
            names = sorted(e.name for e in entries if e.name.endswith(".md"))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names]


def _code_files(names: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for name in names:
        path = _PACKAGE / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def snapshot_key(root: Path, k1: float, b: float) -> str:
    """The name of the snapshot of knowledge directory ``root``: ``<family>-<contents>``.

    The family, a hash of the directory, the BM25 parameters and where this code is
    installed, stays the same when an article or the code changes; the contents hash does
    not. A new snapshot replaces the older ones of its family (and only those: two
    installations sharing a cache never delete each other's).
    """
    root = Path(root).resolve()
    family = hashlib.sha256(f"{root}\0{k1!r}\0{b!r}\0{_PACKAGE}".encode()).hexdigest()[:12]
    curated = [root / name for name in ("people.yaml", "topics.yaml", "synonyms.yaml")]
    parts = [str(SNAPSHOT_FORMAT), str(ANALYZER_VERSION), repr(k1), repr(b),
             _stamp([*_articles(root), *curated]), _stamp(_code_files(_INDEX_CODE)),
             _stamp([Path(snowballstemmer.__file__)])]
    contents = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    return f"{family}-{contents}"


@functools.cache
def code_stamp() -> str:
    """A hash of all of briefbot's code: artifacts are rebuilt whenever it changes.

    Taken once a process: the code running is the code that was imported.
    """
    return _stamp(_code_files((".",)))[:16]


def code_changed() -> bool:
    """Whether briefbot's code on disk is no longer the code this process stamped its
    artifacts with (:func:`code_stamp`): a process started now would rebuild them."""
    return _stamp(_code_files((".",)))[:16] != code_stamp()


class Snapshot:
    """One snapshot directory (which may not exist yet)."""

    def __init__(self, cache_dir: Path, key: str) -> None:
        self.path = Path(cache_dir) / f"snapshot-{key}"
        #: The temporary directory holding a staged corpus, and that corpus read back.
        self._staged: tuple[Path, Corpus] | None = None

    def load(self) -> tuple[Corpus, PassageIndex] | None:
        """The saved corpus and index, or ``None`` if there is no usable snapshot."""
        if not self.path.is_dir():
            return None
        try:
            return self._read()
        except _UNREADABLE as exc:
            log.warning("rebuilding unreadable snapshot %s: %s", self.path, exc)
            shutil.rmtree(self.path, ignore_errors=True)
            return None

    def _read(self) -> tuple[Corpus, PassageIndex]:
        corpus = _read_corpus(self.path)
        with open(self.path / "index.pickle", "rb") as handle:
            meta = pickle.load(handle)
        arrays = _map(self.path / "postings.bin", meta["postings_bytes"], meta["arrays"])
        engine = PostingsEngine(meta["vocabulary"], meta["size"],
                                *(arrays[name] for name in _POSTINGS))
        store = packed(corpus.documents).passages
        if engine.size != len(store):
            raise ValueError(f"{engine.size} passages indexed but {len(store)} stored")
        index = PassageIndex(store, engine, Analyzer(corpus.synonyms), meta["surface_words"])
        index.loaded_from_cache = True
        return corpus, index

    def stage(self, corpus: Corpus) -> Corpus:
        """Write ``corpus`` into a new snapshot directory, not yet in place (:meth:`save`
        completes it), and return it read back from there, memory-mapped; ``corpus`` itself
        if that fails (logged: :meth:`save` then writes everything)."""
        try:
            tmp = self._new_directory()
            try:
                _write_corpus(tmp, corpus)
                staged = _read_corpus(tmp)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        except _UNREADABLE as exc:  # a full disk, or the files not reading back
            log.warning("could not write the corpus to the cache at %s: %s", self.path, exc)
            return corpus
        self._staged = tmp, staged
        return staged

    def _new_directory(self) -> Path:
        """A new temporary directory beside the snapshot's, renamed into place when done."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.path.parent, prefix=".snapshot-"))

    def save(self, corpus: Corpus, index: PassageIndex) -> None:
        """Write the snapshot of ``corpus`` (written already if it is the one :meth:`stage`
        returned) and ``index``, then put it in place (a failure is logged: the next start
        rebuilds)."""
        engine = index.engine
        if not isinstance(engine, PostingsEngine):
            raise TypeError("only a PostingsEngine index can be saved")
        if len(packed(corpus.documents).passages) != len(index.passages):
            raise ValueError("the index does not hold the corpus's passages")
        staged, self._staged = self._staged, None
        if staged is not None and staged[1] is not corpus:
            shutil.rmtree(staged[0], ignore_errors=True)  # staged for another corpus
            staged = None
        try:
            tmp = staged[0] if staged is not None else self._new_directory()
            try:
                if staged is None:
                    _write_corpus(tmp, corpus)
                _write_index(tmp, index, engine)
                os.rename(tmp, self.path)
            except OSError:
                shutil.rmtree(tmp, ignore_errors=True)
                if not self.path.is_dir():
                    raise
                # else another process saved it first: theirs is as good
            log.debug("snapshot saved at %s", self.path)
        except OSError as exc:
            log.warning("could not save the snapshot at %s: %s", self.path, exc)
            return
        self._prune()

    def _prune(self) -> None:
        """Remove the snapshots this one supersedes (its family: an article or the code
        changed since), each as large as the corpus, and temporary directories a crashed
        save left behind. A process still reading an old snapshot keeps its open files
        (POSIX) and rebuilds any artifact it then lacks."""
        family = self.path.name.rpartition("-")[0] + "-"
        stale_before = time.time() - TEMPORARY_LIFETIME_S
        try:
            others = [p for p in self.path.parent.iterdir() if p != self.path]
            for other in others:
                if other.name.startswith(family) or (
                        other.name.startswith(".snapshot-")
                        and other.stat().st_mtime < stale_before):
                    log.debug("removing superseded snapshot %s", other)
                    shutil.rmtree(other, ignore_errors=True)
        except OSError as exc:  # a sibling vanished meanwhile, or the cache is read-only
            log.debug("could not prune snapshots next to %s: %s", self.path, exc)

    # -- artifacts

    def _artifact_path(self, name: str, version: int) -> Path:
        return self.path / f"artifact-{name}-v{version}-{code_stamp()}.pickle"

    def load_artifact(self, name: str, version: int) -> tuple[bool, Any]:
        """``(True, data)`` for a saved artifact, ``(False, None)`` if there is none."""
        try:
            with open(self._artifact_path(name, version), "rb") as handle:
                return True, pickle.load(handle)
        except FileNotFoundError:
            return False, None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.warning("ignoring unreadable artifact %s: %s", name, exc)
            return False, None

    def save_artifact(self, name: str, version: int, data: Any) -> None:
        """Save an artifact next to the index (a failure is logged and harmless)."""
        path = self._artifact_path(name, version)
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".artifact-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("could not save artifact %s at %s: %s", name, path, exc)
            return
        self._prune_artifact(name, path)

    def _prune_artifact(self, name: str, kept: Path) -> None:
        """Remove the copies of artifact ``name`` that ``kept`` supersedes: built by other
        code (an upgrade that left the index as it was) or of another version. Each is as
        large as the corpus's people or topics, and no process of this code reads them: one
        of the old code still reading keeps its open file (POSIX) or rebuilds it."""
        try:
            copy = re.compile(rf"artifact-{re.escape(name)}-v\d+-\w+\.pickle")
            for other in self.path.glob(f"artifact-{name}-v*.pickle"):
                if other != kept and copy.fullmatch(other.name):
                    log.debug("removing superseded artifact %s", other)
                    other.unlink(missing_ok=True)
        except OSError as exc:  # the snapshot was superseded meanwhile, or is read-only
            log.debug("could not prune artifacts of %s: %s", self.path, exc)


def _width(code: str) -> int:
    return 8 if code in "qd" else 4


def _map(path: Path, size: int, layout: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """File ``path`` memory-mapped, cut into typed arrays by name as ``layout`` says; a file
    that is not ``size`` bytes long is damaged."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size != size:
            raise ValueError(f"{path.name} is not {size} bytes long")
        view = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                          if size else b"")
    arrays: dict[str, Any] = {}
    for key, (offset, length) in layout.items():
        code: Any = _TYPECODES[key]  # a typecode of "qid"
        arrays[key] = view[offset:offset + length * _width(code)].cast(code)
    return arrays


def _write_arrays(path: Path, arrays: dict[str, Any], codes: dict[str, str]
                  ) -> tuple[dict[str, tuple[int, int]], int]:
    """Write ``arrays`` (by name, in the order of ``codes``) to ``path``, each aligned to 8
    bytes; where each lies (offset, length) and the file's size."""
    layout: dict[str, tuple[int, int]] = {}
    with open(path, "wb") as handle:
        for name, code in codes.items():
            data = memoryview(arrays[name]).cast("B")
            layout[name] = (handle.tell(), len(data) // _width(code))
            handle.write(data)
            handle.write(b"\0" * (-handle.tell() % 8))  # keep the next one aligned
        return layout, handle.tell()


def _write_corpus(folder: Path, corpus: Corpus) -> None:
    with bulk():  # a row or array per document: collections would walk them all
        documents = packed(corpus.documents)
        texts, arrays = documents.arrays()
        with open(folder / "texts.bin", "wb") as handle:
            handle.write(texts)
        layout, size = _write_arrays(folder / "passages.bin", arrays, _PASSAGES)
        with open(folder / "corpus.pickle", "wb") as handle:
            # Plain tuples and strings: the quickest things to unpickle.
            pickle.dump({"root": corpus.root, "people": corpus.people,
                         "topics": corpus.topics, "synonyms": corpus.synonyms,
                         "documents": list(documents.rows()), "arrays": layout,
                         "passages_bytes": size, "texts_bytes": len(texts)},
                        handle, protocol=pickle.HIGHEST_PROTOCOL)


def _read_corpus(folder: Path) -> Corpus:
    with open(folder / "corpus.pickle", "rb") as handle:
        saved = pickle.load(handle)
    arrays = _map(folder / "passages.bin", saved["passages_bytes"], saved["arrays"])
    texts = FileBytes(folder / "texts.bin", saved["texts_bytes"])
    if arrays["starts"][-1] != len(texts):
        raise ValueError("texts.bin does not end where the last passage does")
    rows = saved["documents"]
    store = StoredPassages([row[0] for row in rows], texts, arrays["starts"],
                           arrays["passage_doc"], arrays["numbers"], arrays["lines"])
    return Corpus(saved["root"], StoredDocuments(rows, store, arrays["bounds"]),
                  saved["people"], saved["topics"], saved["synonyms"])


def _write_index(folder: Path, index: PassageIndex, engine: PostingsEngine) -> None:
    layout, size = _write_arrays(folder / "postings.bin", engine.arrays(), _POSTINGS)
    with open(folder / "index.pickle", "wb") as handle:
        pickle.dump({"vocabulary": engine.vocabulary, "size": engine.size,
                     "surface_words": index.surface_words, "arrays": layout,
                     "postings_bytes": size}, handle, protocol=pickle.HIGHEST_PROTOCOL)
