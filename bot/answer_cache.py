"""A small cache of answers: the same question against the same knowledge base is computed once.

Answers are pure functions of (command, arguments, knowledge base), so a burst of ``!brief
proposals`` from fifty members needs one computation: finished answers are kept in an LRU, and
a question asked while the same one is being computed waits for that computation instead of
starting another. The key carries the knowledge base's generation
(:class:`~bot.reload.KnowledgeHolder`), and a reload clears the cache, so no answer outlives
the corpus it came from. Failures (a usage error, a bug) are not cached.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: Finished answers kept (a rendered answer is a few kilobytes).
DEFAULT_SIZE = 256


def answer_key(generation: int, name: str, kwargs: Mapping[str, Any]) -> Hashable | None:
    """The cache key of a command call, or ``None`` when an argument cannot be a key.

    Text arguments are compared with their whitespace collapsed (``"senkaku  islands "`` asks
    what ``"senkaku islands"`` asks); case is kept, because replies may echo the words.
    """
    items = []
    for key, value in sorted(kwargs.items()):
        if isinstance(value, str):
            value = " ".join(value.split())
        elif value is not None and not isinstance(value, int | float | bool):
            return None
        items.append((key, value))
    return (generation, name, tuple(items))


class AnswerCache(Generic[T]):
    """An LRU of finished answers plus the computations in flight, for one event loop.

    ``hits`` counts answers served without a computation of their own (from the LRU or by
    joining one in flight); ``misses`` counts computations started.
    """

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if size < 1:
            raise ValueError(f"cache size must be at least 1, not {size}")
        self.size = size
        self.hits = self.misses = 0
        self._done: OrderedDict[Hashable, T] = OrderedDict()
        self._running: dict[Hashable, asyncio.Future[T]] = {}
        self._epoch = 0  # bumped by clear(): a computation started before it is not kept

    def clear(self) -> None:
        """Forget every answer (after a reload); computations in flight finish uncached."""
        self._done.clear()
        self._running.clear()
        self._epoch += 1

    async def get(self, key: Hashable | None, compute: Callable[[], Awaitable[T]]) -> T:
        """The answer under ``key``, computing it with ``compute()`` only if nobody has.

        A caller cancelled while waiting does not cancel the computation others share.
        """
        if key is None:
            return await compute()
        if key in self._done:
            self._done.move_to_end(key)
            self.hits += 1
            return self._done[key]
        running = self._running.get(key)
        if running is not None:
            self.hits += 1
            return await asyncio.shield(running)
        self.misses += 1
        task = asyncio.ensure_future(compute())
        self._running[key] = task
        epoch = self._epoch
        task.add_done_callback(lambda done: self._finished(key, done, epoch))
        return await asyncio.shield(task)

    def _finished(self, key: Hashable, task: asyncio.Future[T], epoch: int) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if epoch != self._epoch or task.cancelled() or task.exception() is not None:
            return
        self._done[key] = task.result()
        while len(self._done) > self.size:
            self._done.popitem(last=False)
