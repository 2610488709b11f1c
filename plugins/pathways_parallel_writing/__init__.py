"""Render and write the blog's pages in several processes at once.

Pelican renders the pages of the posts generator (every post, tag, category, archive and
listing page) one after another on one core. This plugin's writer collects those pages
instead, and when the posts generator is done renders them in `BUILD_WORKERS` forked
processes, each writing its share of the files. The pages themselves are rendered by
Pelican's own writer code, so the output is the same; feeds and every page written after
the posts generator (pages, redirects) are written at once, as usual.

Pages with the same output name go to the same process in the order they were asked for,
so Pelican's rules for overriding a file still hold. `content_written` is sent where
plugins expect it, in the build's own process: once the workers are done, each page's call
is replayed there without rendering or writing, in the order Pelican would have written
them, so the signal carries the same path and template context as in a serial build.
"""

import gc
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pelican import signals
from pelican.writers import Writer

from pathways.plugin_support import build_workers, parallel_map

logger = logging.getLogger(__name__)

# Shares of work per process: more, smaller shares balance uneven pages between processes.
SHARES_PER_WORKER = 4


class _ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class ParallelWriter(Writer):
    """Pelican's writer, with the posts generator's pages rendered by several processes."""

    def __init__(self, output_path: str, settings: dict | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.workers = build_workers(self.settings)
        self._collecting = self.workers > 1
        self._pending: list[tuple[tuple, dict]] = []
        self._replaying = False

    def write_file(self, *args: Any, **kwargs: Any) -> None:
        if self._collecting:
            self._pending.append((args, kwargs))
        else:
            super().write_file(*args, **kwargs)

    def write_collected(self) -> None:
        """Render and write every collected page, then write from now on as Pelican does."""
        self._collecting = False
        pending, self._pending = self._pending, []
        if not pending:
            return
        for _, kwargs in pending:
            # Rendering a post's content may move the files it attaches ({attach}); do that
            # here, where the static files are copied afterwards, not in a worker.
            for item in (kwargs.get("article"), kwargs.get("page")):
                if item is not None:
                    item.content  # noqa: B018
        shares = _shares(pending, self.workers * SHARES_PER_WORKER)
        global _work
        _work = (self, shares)
        gc.freeze()  # keep the workers from copying every page of memory the collector visits
        try:
            results = parallel_map(_write_share, range(len(shares)), self.workers)
        finally:
            _work = None
            gc.unfreeze()
        errors = 0
        for written, overridden, share_errors in results:
            self._written_files |= written
            self._overridden_files |= overridden
            errors += share_errors
        if errors:
            logger.error("%d error(s) while writing pages, listed above", errors)
        self._announce(pending)

    def _announce(self, pending: list[tuple[tuple, dict]]) -> None:
        """Send `content_written` for every page the workers wrote, as Pelican would have."""
        self._replaying = True
        try:
            for args, kwargs in pending:
                args, kwargs = _without_template(args, kwargs)
                Writer.write_file(self, *args, **kwargs)
        finally:
            self._replaying = False

    @contextmanager
    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Iterator[Any]:
        if self._replaying:
            yield io.StringIO()
        else:
            with super()._open_w(filename, encoding, override) as file:
                yield file


class _Unrendered:
    """A template that renders nothing: the page was rendered and written by a worker."""

    @staticmethod
    def render(context: dict) -> str:
        return ""


def _without_template(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    if len(args) > 1:
        return (args[0], _Unrendered, *args[2:]), kwargs
    return args, {**kwargs, "template": _Unrendered}


def _shares(pending: list[tuple[tuple, dict]], count: int) -> list[list[tuple[tuple, dict]]]:
    """Split the pages into `count` shares, keeping every page of one output name together."""
    by_name: dict[Any, list[tuple[tuple, dict]]] = {}
    for call in pending:
        args, kwargs = call
        name = args[0] if args else kwargs.get("name")
        by_name.setdefault(name, []).append(call)
    shares: list[list[tuple[tuple, dict]]] = [[] for _ in range(min(count, len(by_name)))]
    for number, calls in enumerate(by_name.values()):
        shares[number % len(shares)].extend(calls)
    return shares


# What the workers write: set in the parent just before they are forked, so they inherit it.
_work: tuple[ParallelWriter, list[list[tuple[tuple, dict]]]] | None = None


def _write_share(index: int) -> tuple[set, set, int]:
    writer, shares = _work
    written_before = set(writer._written_files)
    overridden_before = set(writer._overridden_files)
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)
    try:
        with signals.content_written.muted():
            for args, kwargs in shares[index]:
                Writer.write_file(writer, *args, **kwargs)
    finally:
        logging.getLogger().removeHandler(errors)
    return (
        writer._written_files - written_before,
        writer._overridden_files - overridden_before,
        errors.count,
    )


def _use_parallel_writer(pelican: Any) -> type[Writer]:
    return ParallelWriter


def _write_collected(generator: Any, writer: Any = None) -> None:
    if isinstance(writer, ParallelWriter):
        writer.write_collected()


def register() -> None:
    signals.get_writer.connect(_use_parallel_writer)
    signals.article_writer_finalized.connect(_write_collected)
