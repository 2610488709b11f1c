"""Convert every Markdown source of a generator in worker processes, ahead of Pelican.

Pelican reads posts one after another. When the posts (or pages) generator is about to read
its first file, the sources it will read are handed to `BUILD_WORKERS` forked processes that
convert them (Markdown and typography); the reader then takes each result as Pelican asks for
that file, and does the rest (metadata, checks) in the main process as usual. Sources whose
content is in Pelican's cache are left to the cache.
"""

import logging
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pelican.generators import ArticlesGenerator

from pathways.plugin_support import build_workers, fork_context

from .reader import Converted, SiteMarkdownReader

logger = logging.getLogger(__name__)

# Sources per message to a worker: enough to keep messaging cheap, few enough to balance.
CHUNK = 8


class Prefetched:
    """Results of the workers, in the order they come, taken by path."""

    def __init__(
        self, pool: ProcessPoolExecutor, results: Iterator[tuple[str, Converted | None]]
    ) -> None:
        self._pool = pool
        self._results = results
        self._ready: dict[str, Converted | None] = {}
        self._done = False

    def take(self, path: str) -> Converted | None:
        """The worker's result for `path`; None if it failed or was not converted there."""
        while path not in self._ready and not self._done:
            try:
                done_path, converted = next(self._results)
            except StopIteration:
                self.close()
                break
            except BrokenProcessPool:
                logger.warning(
                    "A process reading posts was killed (perhaps the machine ran out of"
                    " memory); the rest are read in the build's own process"
                )
                self.close()
                break
            self._ready[done_path] = converted
        return self._ready.pop(path, None)

    def close(self) -> None:
        self._done = True
        self._pool.shutdown(cancel_futures=True)


# The reader the workers convert with: set in the parent just before they are forked.
_reader: SiteMarkdownReader | None = None


def _convert(path: str) -> tuple[str, Converted | None]:
    try:
        return path, _reader.convert(path)
    except Exception:
        return path, None  # converted again in the main process, which reports the error


def prefetch_sources(generator: Any) -> None:
    """On a generator's first read, hand all its Markdown sources to worker processes."""
    if getattr(generator, "_sources_prefetched", False):
        return
    generator._sources_prefetched = True
    workers = build_workers(generator.settings)
    reader = generator.readers.readers.get("md")
    if workers < 2 or not isinstance(reader, SiteMarkdownReader):
        return
    kind = "ARTICLE" if isinstance(generator, ArticlesGenerator) else "PAGE"
    sources = generator.get_files(
        generator.settings[f"{kind}_PATHS"], exclude=generator.settings[f"{kind}_EXCLUDES"]
    )
    paths = [
        path
        for path in (os.path.abspath(os.path.join(generator.path, name)) for name in sources)
        if path.rsplit(".", 1)[-1] in SiteMarkdownReader.file_extensions
        and generator.readers.get_cached_data(path, None) is None
    ]
    if len(paths) < 2 * CHUNK:
        return
    global _reader
    _reader = reader
    pool = ProcessPoolExecutor(workers, mp_context=fork_context())
    try:
        results = pool.map(_convert, paths, chunksize=CHUNK)
    finally:
        _reader = None
    reader.prefetched = Prefetched(pool, results)


def finish_prefetch(generator: Any) -> None:
    """Stop the workers once the generator has read everything."""
    reader = generator.readers.readers.get("md")
    if isinstance(reader, SiteMarkdownReader) and reader.prefetched is not None:
        reader.prefetched.close()
        reader.prefetched = None
