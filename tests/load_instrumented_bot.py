"""``briefbot run``, unmodified but instrumented, for the load test (``tests/test_load.py``).

Run as ``python -m tests.load_instrumented_bot`` with ``BRIEFBOT_LOAD_METRICS=FILE``; when the
bot stops (SIGTERM) it writes what it measured to FILE as JSON:

* ``received``: per message id, when its MESSAGE_CREATE reached discord.py's parser;
* ``replies``: per referenced message id, when the reply entered discord.py's HTTP client
  (``left``: before any rate-limit wait) and when Discord's answer came back (``answered``:
  after every wait and 429 retry), so the bot's own time and the platform's are told apart;
* ``lag``: ``[time, lateness, cpu, queued]`` samples of a 10 ms timer on the bot's event loop:
  how late it fired, how much CPU the loop thread used meanwhile, and the longest any of the
  bot's threads sat runnable in the kernel's run queue meanwhile (the machine was busy, not
  the bot);
* ``core_calls`` and ``cache``: computations the core did, hits and misses of the answer cache.

All times are ``time.perf_counter()`` seconds inside the bot process. The instrumentation only
wraps functions; nothing the bot does is replaced.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
from typing import Any

import discord
import discord.http
import discord.state

from bot import commands as core
from bot import discord_bot
from bot.config import load_settings

LAG_INTERVAL = 0.01

received: dict[str, float] = {}
replies: dict[str, dict[str, float]] = {}
lag: list[tuple[float, float, float, float]] = []
core_calls = 0
_core_lock = threading.Lock()
_bots: list[discord_bot.BriefBot] = []
_tasks: set[asyncio.Task[None]] = set()

_parse_message_create = discord.state.ConnectionState.parse_message_create
_request = discord.http.HTTPClient.request
_run = core.run
_setup_hook = discord_bot.BriefBot.setup_hook
_handle_run = asyncio.Handle._run
#: The longest single callback the loop ran: (wall seconds, CPU seconds, what it was).
slowest: list[tuple[float, float, str]] = [(0.0, 0.0, "")]


def parse_message_create(self: Any, data: dict[str, Any]) -> None:
    received.setdefault(str(data["id"]), time.perf_counter())
    _parse_message_create(self, data)


async def request(self: Any, route: discord.http.Route, **kwargs: Any) -> Any:
    payload = kwargs.get("json")
    reference = None
    if route.method == "POST" and isinstance(payload, dict):
        reference = (payload.get("message_reference") or {}).get("message_id")
    left = time.perf_counter()
    try:
        return await _request(self, route, **kwargs)
    finally:
        if reference is not None:
            replies.setdefault(str(reference), {"left": left, "answered": time.perf_counter()})


def run(kb: Any, name: str, /, **kwargs: Any) -> Any:
    global core_calls
    with _core_lock:
        core_calls += 1
    return _run(kb, name, **kwargs)


def run_queue_waits() -> dict[str, float]:
    """Per thread of this process, seconds spent runnable but waiting for a CPU (Linux
    schedstat): time the machine, not the bot, took from it. Empty where the kernel does not
    say. Every thread counts: the event loop also waits while a thread holding the GIL waits
    for a CPU."""
    waits = {}
    for task in os.listdir("/proc/self/task") if os.path.isdir("/proc/self/task") else ():
        try:
            with open(f"/proc/self/task/{task}/schedstat", encoding="ascii") as stats:
                waits[task] = int(stats.read().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            continue  # the thread ended meanwhile
    return waits


def machine_wait(before: dict[str, float], after: dict[str, float]) -> float:
    """The longest any thread waited for a CPU between two readings."""
    return max((after[t] - before.get(t, 0.0) for t in after), default=0.0)


def timed_callback(self: asyncio.Handle) -> None:
    start, cpu = time.perf_counter(), time.thread_time()
    _handle_run(self)
    took = time.perf_counter() - start
    if took > slowest[0][0]:
        slowest[0] = (took, time.thread_time() - cpu, repr(self)[:200])


async def monitor_lag() -> None:
    loop = asyncio.get_running_loop()
    while True:
        start, cpu, queued = loop.time(), time.thread_time(), run_queue_waits()
        await asyncio.sleep(LAG_INTERVAL)
        lag.append((time.perf_counter(), loop.time() - start - LAG_INTERVAL,
                    time.thread_time() - cpu, machine_wait(queued, run_queue_waits())))


async def setup_hook(self: discord_bot.BriefBot) -> None:
    await _setup_hook(self)
    _bots.append(self)
    task = asyncio.get_running_loop().create_task(monitor_lag())
    _tasks.add(task)


def main() -> int:
    # Parsers are collected when ConnectionState is created, so patch the class first.
    discord.state.ConnectionState.parse_message_create = parse_message_create  # type: ignore[method-assign]
    discord.http.HTTPClient.request = request  # type: ignore[method-assign]
    core.run = run
    discord_bot.BriefBot.setup_hook = setup_hook  # type: ignore[method-assign]
    asyncio.Handle._run = timed_callback  # type: ignore[method-assign]
    code = discord_bot.run_bot(load_settings())
    cache = _bots[0].answers if _bots else None
    with open(os.environ["BRIEFBOT_LOAD_METRICS"], "w", encoding="utf-8") as out:
        json.dump({"received": received, "replies": replies, "lag": lag,
                   "core_calls": core_calls, "slowest_callback": slowest[0],
                   "cache": {"hits": cache.hits, "misses": cache.misses} if cache else None},
                  out)
    return code


if __name__ == "__main__":
    sys.exit(main())
