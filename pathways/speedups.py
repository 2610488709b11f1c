"""The switches of the build's speed-ups, read the same way by every plugin that has one.

`FAST_BUILD = False` turns every speed-up off (the output is the same either way; the tests
build a site both ways and compare every file). `BUILD_WORKERS` is how many processes read
and render pages at once: 0, the default, means one per CPU core; 1 means no extra process.
"""

import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def fast_build(settings: Mapping[str, Any]) -> bool:
    return bool(settings.get("FAST_BUILD", True))


def typography_on(settings: Mapping[str, Any]) -> bool:
    """Whether typogrify is applied (by Pelican, or by the readers that took it over)."""
    return bool(settings.get("TYPOGRIFY") or settings.get("TYPOGRIFY_IN_READERS"))


def build_workers(settings: Mapping[str, Any]) -> int:
    """How many processes may share the build's work (1 when the speed-ups are off)."""
    if not fast_build(settings):
        return 1
    workers = int(settings.get("BUILD_WORKERS") or 0)
    return workers if workers > 0 else (os.cpu_count() or 1)


def build_cache(settings: Mapping[str, Any]) -> Path | None:
    """The folder of what builds keep for the next one (per set of settings, see the
    markdown_reader plugin), or None when the speed-ups or Pelican's content cache are off."""
    if not (fast_build(settings) and settings.get("CACHE_CONTENT")):
        return None
    return Path(settings["CACHE_PATH"])


def parallel_map(function: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """`[function(item) for item in items]`, shared between `workers` forked processes.

    `function` must be a module-level function; results are sent back pickled.
    """
    if workers < 2 or len(items) < 2 * workers:
        return [function(item) for item in items]
    chunk = max(1, len(items) // (workers * 4))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(function, items, chunksize=chunk)
