"""Everything a start needs, saved once under a hash of the knowledge directory.

A snapshot directory holds the parsed corpus (``corpus.pickle``), the BM25 arrays
(``postings.bin``, memory-mapped: a start reads only the pages a query touches), the
vocabulary and "did you mean" words (``index.pickle``) and the registered artifacts
(``artifact-*.pickle``, see :mod:`bot.knowledge`).

Whether a snapshot is current is decided without reading any article: its name is a hash of
every knowledge file's name, size and modification time, of the code that parses, analyses
and indexes, and of the BM25 parameters. An edited article, a new ``synonyms.yaml`` or an
upgraded analyzer gives a new name, hence a rebuild. Writes go to a temporary directory or
file that is renamed into place, so a crash or a concurrent start never leaves half a snapshot.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

import snowballstemmer

from bot.corpus import Corpus
from bot.index import PassageIndex
from bot.index.bm25 import PostingsEngine
from bot.text import ANALYZER_VERSION, Analyzer

log = logging.getLogger(__name__)

#: Bump when the snapshot layout changes, so old snapshots are ignored rather than misread.
SNAPSHOT_FORMAT = 2
_PACKAGE = Path(__file__).resolve().parent
#: The code whose output a snapshot stores: a change to any of it means a rebuild.
_INDEX_CODE = ("corpus.py", "text.py", "snapshot.py", "index")
_ARRAYS = {"indptr": "q", "docs": "i", "scores": "d", "maxscore": "d", "bestptr": "q",
           "best": "i"}


def _stamp(paths: list[Path]) -> str:
    """A hash of the names, sizes and modification times of ``paths`` (not their contents)."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _code_files(names: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for name in names:
        path = _PACKAGE / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def snapshot_key(root: Path, k1: float, b: float) -> str:
    """The hash naming the snapshot of knowledge directory ``root``."""
    root = Path(root).resolve()
    knowledge = sorted((root / "articles").glob("*.md")) + [
        root / name for name in ("people.yaml", "topics.yaml", "synonyms.yaml")]
    parts = [str(SNAPSHOT_FORMAT), str(ANALYZER_VERSION), repr(k1), repr(b), _stamp(knowledge),
             _stamp(_code_files(_INDEX_CODE)), _stamp([Path(snowballstemmer.__file__)])]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def code_stamp() -> str:
    """A hash of all of briefbot's code: artifacts are rebuilt whenever it changes."""
    return _stamp(_code_files((".",)))[:16]


class Snapshot:
    """One snapshot directory (which may not exist yet)."""

    def __init__(self, cache_dir: Path, key: str) -> None:
        self.path = Path(cache_dir) / f"snapshot-{key[:32]}"

    def load(self) -> tuple[Corpus, PassageIndex] | None:
        """The saved corpus and index, or ``None`` if there is no usable snapshot."""
        if not (self.path / "postings.bin").exists():
            return None
        try:
            with open(self.path / "corpus.pickle", "rb") as handle:
                corpus: Corpus = pickle.load(handle)
            with open(self.path / "index.pickle", "rb") as handle:
                meta = pickle.load(handle)
            arrays = self._map(meta["arrays"])
        except (OSError, pickle.UnpicklingError, EOFError, KeyError, ValueError, TypeError,
                AttributeError) as exc:
            log.warning("rebuilding unreadable snapshot %s: %s", self.path, exc)
            shutil.rmtree(self.path, ignore_errors=True)
            return None
        engine = PostingsEngine(meta["vocabulary"], meta["size"], **arrays)
        index = PassageIndex(list(corpus.passages()), engine, Analyzer(corpus.synonyms),
                             meta["surface_words"])
        index.loaded_from_cache = True
        return corpus, index

    def _map(self, layout: dict[str, tuple[int, int]]) -> dict[str, Any]:
        with open(self.path / "postings.bin", "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        view = memoryview(mapped)
        arrays: dict[str, Any] = {}
        for name, (offset, length) in layout.items():
            code: Any = _ARRAYS[name]  # a typecode of "qid"
            size = length * (8 if code in "qd" else 4)
            arrays[name] = view[offset:offset + size].cast(code)
        return arrays

    def save(self, corpus: Corpus, index: PassageIndex) -> None:
        """Write the snapshot (a failure is logged: the next start rebuilds)."""
        engine = index.engine
        if not isinstance(engine, PostingsEngine):
            raise TypeError("only a PostingsEngine index can be saved")
        arrays = engine.arrays()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=".snapshot-"))
            layout: dict[str, tuple[int, int]] = {}
            with open(tmp / "postings.bin", "wb") as handle:
                for name, code in _ARRAYS.items():
                    data = memoryview(arrays[name]).cast("B")
                    layout[name] = (handle.tell(), len(data) // (8 if code in "qd" else 4))
                    handle.write(data)
                    handle.write(b"\0" * (-handle.tell() % 8))  # keep the next one aligned
            with open(tmp / "index.pickle", "wb") as handle:
                pickle.dump({"vocabulary": engine.vocabulary, "size": engine.size,
                             "surface_words": index.surface_words, "arrays": layout},
                            handle, protocol=pickle.HIGHEST_PROTOCOL)
            with open(tmp / "corpus.pickle", "wb") as handle:
                pickle.dump(corpus, handle, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                os.rename(tmp, self.path)
            except OSError:  # another process saved it first: theirs is as good
                shutil.rmtree(tmp, ignore_errors=True)
            log.debug("snapshot saved at %s", self.path)
        except OSError as exc:
            log.warning("could not save the snapshot at %s: %s", self.path, exc)

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
