"""What the site's plugins share with the `pathways` package: the speed-up switches, the
worker pool, the build cache and the preview's signal (what they rely on in Pelican itself
is in `pathways.pelican_internals`).

Work is shared between processes by forking, which Linux and macOS offer and Windows does not:
there, every build works in one process. A forked process inherits a copy of every lock, held
or not, but only the thread that forked; so a build never forks while a thread it started is
running (`start_build_thread`, `fork_context`), or the copy could wait forever for a lock that
thread held.

`FAST_BUILD = False` turns every speed-up off (the output is the same either way; the tests
build a site both ways and compare every file). `BUILD_WORKERS` is how many processes read
and render pages at once: 0, the default, means one per CPU core; 1 means no extra process.
"""

import gc
import hashlib
import inspect
import multiprocessing
import os
import pickle
import threading
import types
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, TypeVar

from blinker import signal

from pathways.files import write_whole

T = TypeVar("T")
R = TypeVar("R")

# Sent by the preview with the posts generator as sender and `article=` the post just read
# again, so plugins that change a post's text after reading can redo it.
post_refreshed = signal("pathways.post-refreshed")

# Sent by a step that adds files to the built site once the production step may have
# finished it (the search index, made from the finished pages), with the Pelican object as
# sender and `paths=` the files added, so that they are finished too.
files_added = signal("pathways.files-added")


def blog_timezone(settings: Mapping[str, Any]) -> str:
    """The blog's `TIMEZONE` (Pelican's own setting; UTC when the site sets none, as Pelican
    assumes), in which dates are shown and days counted."""
    return settings.get("TIMEZONE") or "UTC"


def old_urls(content: Any) -> list[str]:
    """The old addresses a post or page lists in its `Old-URLs:` (comma-separated)."""
    return [
        url.strip() for url in str(content.metadata.get("old-urls", "")).split(",") if url.strip()
    ]


def fast_build(settings: Mapping[str, Any]) -> bool:
    return bool(settings["FAST_BUILD"])


def can_fork() -> bool:
    """Whether this operating system can fork processes (Linux and macOS; not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def build_workers(settings: Mapping[str, Any]) -> int:
    """How many processes may share the build's work (1 when the speed-ups are off, or
    where processes cannot be forked)."""
    if not fast_build(settings) or not can_fork():
        return 1
    workers = int(settings["BUILD_WORKERS"] or 0)
    return workers if workers > 0 else (os.cpu_count() or 1)


def build_cache(settings: Mapping[str, Any]) -> Path | None:
    """The folder of what builds keep for the next one (per set of settings, see the
    pathways_markdown_reader plugin), or None when the speed-ups or the content cache are off."""
    if not (fast_build(settings) and settings.get("CACHE_CONTENT")):
        return None
    return Path(settings["CACHE_PATH"])


def source_digest(value: Any) -> str:
    """A function's source as a digest ("" for what is not a Python function, or one whose
    source cannot be read): the settings file's own functions, such as template filters, are
    in no file of the site's code."""
    if not isinstance(value, types.FunctionType):
        return ""
    try:
        source = inspect.getsource(value)
    except (OSError, TypeError):
        return ""
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


def load_kept(path: Path) -> Any:
    """What an earlier build kept in `path` (see `keep`), or None when there is nothing
    usable there (no file, or one cut short or written by other code)."""
    try:
        return pickle.loads(path.read_bytes())
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        return None


def keep(path: Path, value: object) -> None:
    """Keep `value` in `path` for the next build, whole or not at all."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    write_whole(path, data, replace=True, sync=False)


# Set by `pathways build` while it builds into a staging folder: the folder of the site this
# build will replace, from which unchanged files may be carried over.
PREVIOUS_OUTPUT = "PATHWAYS_PREVIOUS_OUTPUT"


# Settings that say where and how a build works, not what it makes.
BUILD_LOCAL_SETTINGS = frozenset(
    {"OUTPUT_PATH", "CACHE_PATH", "WRITE_SELECTED", "BUILD_WORKERS", PREVIOUS_OUTPUT}
)


def previous_output(settings: Mapping[str, Any]) -> Path | None:
    """The site this build replaces, when there is one to carry unchanged files from: only
    with the speed-ups and the content cache on, and only for a build into a staging folder
    (a plain `pelican` run writes over its output folder in place)."""
    folder = settings.get(PREVIOUS_OUTPUT)
    if build_cache(settings) is None or not folder or not Path(folder).is_dir():
        return None
    return Path(folder)


# The threads a build started that may still be running.
_build_threads: "weakref.WeakSet[threading.Thread]" = weakref.WeakSet()


class ForkWhileThreadRuns(RuntimeError):
    """The build was about to fork while one of its threads was running."""


def start_build_thread(target: Callable[[], object], name: str) -> threading.Thread:
    """Run `target` in a thread of the build's own; no process is forked until it ends."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    _build_threads.add(thread)
    thread.start()
    return thread


def fork_context() -> BaseContext:
    """The multiprocessing context the build's workers are forked with; refused while a
    thread started by `start_build_thread` runs (a plugin's signal receivers are out of
    order: see pathways.plugin_order)."""
    running = sorted(thread.name for thread in _build_threads if thread.is_alive())
    if running:
        raise ForkWhileThreadRuns(
            f"the build would fork its workers while its thread {', '.join(running)} runs:"
            " a forked process could wait forever on a lock that thread holds"
        )
    return multiprocessing.get_context("fork")


class WorkerStopped(RuntimeError):
    """A forked process of the build stopped before it finished its share of the work."""

    def __init__(self) -> None:
        super().__init__(
            "a process of the build was killed before it finished its work (perhaps the"
            " machine ran out of memory): try again, or build in one process with"
            " BUILD_WORKERS = 1 in the settings"
        )


# What `parallel_map`'s processes share while they work, set just before they are forked:
# the function, its items, and the count of items claimed so far.
_shared_work: tuple[Callable, Sequence, Any, int] | None = None


def _claim_and_work() -> list[tuple[int, Any]]:
    """Work items, a few at a time, until every item is claimed; returns them by index."""
    function, items, claimed, chunk = _shared_work
    done = []
    while True:
        with claimed.get_lock():
            start = claimed.value
            claimed.value = start + chunk
        if start >= len(items):
            return done
        done += [
            (index, function(items[index]))
            for index in range(start, start + chunk)
            if index < len(items)
        ]


def parallel_map(
    function: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """`[function(item) for item in items]`, shared between `workers` processes: this one
    and `workers - 1` forked ones, each claiming items as it is free; `meanwhile` (if given)
    runs in this process first.

    Forked processes inherit the function and items and send their results back pickled.
    This process works too rather than wait: a forked process copies each page of memory it
    or its parent writes to (reference counts change as objects are read), so one fewer
    process holds one fewer copy of what the build has in memory.
    """
    if workers < 2 or len(items) < 2 * workers:
        results = [function(item) for item in items]
        if meanwhile is not None:
            meanwhile()
        return results
    context = fork_context()
    global _shared_work
    _shared_work = (function, items, context.Value("q", 0), max(1, len(items) // (workers * 8)))
    gc.freeze()  # keep the collector from writing to (and so copying) every page of memory
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
            pending = [pool.submit(_claim_and_work) for _ in range(workers - 1)]
            if meanwhile is not None:
                meanwhile()
            done = _claim_and_work()
            for share in pending:
                try:
                    done += share.result()
                except BrokenProcessPool as error:
                    raise WorkerStopped() from error
    finally:
        _shared_work = None
        gc.unfreeze()
    results: list[Any] = [None] * len(items)
    for index, result in done:
        results[index] = result
    return results
