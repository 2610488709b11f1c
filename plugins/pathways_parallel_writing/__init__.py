"""Render and write the blog's pages in several processes at once.

Pelican renders the pages of the posts generator (every post, tag, category, archive and
listing page) one after another on one core. This plugin's writer collects those pages
instead, and when the posts generator is done renders them in `BUILD_WORKERS` processes
(the build's own and forked ones, see `parallel_map`), each writing its share of the files;
the build's own process writes the posts generator's feeds first. The pages themselves are
rendered by Pelican's own writer code, so the output is the same; every page written after
the posts generator (pages, redirects) is written at once, as usual.

Pages with the same output name go to the same process in the order they were asked for,
so Pelican's rules for overriding a file still hold.

With the production step on (it records finished files, see pathways_production_assets),
each page gets a render key (see `render_keys`): a page whose key is the one recorded for its
finished file in the last build is not rendered, and that file and its compressed copies are
carried over from the site being replaced (see `pathways.carry`); the others are finished
(minified, compressed) by the process that renders them, in one pass. Feeds are keyed and
carried over the same way; a feed carried over is not made again, so `feed_generated` and
`feed_written` are not sent for it.

`content_written` is sent where plugins expect it, in the build's own process: once the
pages are written, each page's call is replayed there without rendering or writing, in the
order Pelican would have written them, so the signal carries the same path and template
context as in a serial build.
"""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Article, Content, Page
from pelican.utils import sanitised_join
from pelican.writers import Writer

from pathways.build_state import build_state
from pathways.carry import Record, carry
from pathways.pelican_internals.content import content_html
from pathways.pelican_internals.generators import ARTICLE_LISTS, PAGE_LISTS
from pathways.pelican_internals.writer import feed_arguments, file_argument, with_file_argument
from pathways.plugin_support import build_workers, parallel_map

from .render_keys import RenderKeys, code_digest, outlines

logger = logging.getLogger(__name__)

# Shares of work per process: more, smaller shares balance uneven pages between processes.
SHARES_PER_WORKER = 8


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
        # Collected to be rendered in several processes, or (with one) to be carried over
        # when the production step records finished files.
        self._collecting = self.workers > 1 or build_state(self.settings).finishing is not None
        self._pending: list[tuple[tuple, dict]] = []
        self._feeds: list[tuple[tuple, dict]] = []
        self._replaying = False
        self._keys: RenderKeys | None = None
        # How the production step finishes pages (when it records finished files), and the
        # pages finished here: their records by output file, and how many were carried over.
        self._finishing: Any = None
        self._finished: dict[str, Record] = {}
        self._carried = 0
        self._feeds_carried = 0
        # The page being written, by output file, between rendering and writing: its render
        # key, and the last build's record when that may be carried over instead.
        self._in_hand: dict[str, tuple[str, Record | None, Any, dict]] = {}

    def write_file(self, *args: Any, **kwargs: Any) -> None:
        if self._collecting:
            self._pending.append((args, kwargs))
        else:
            super().write_file(*args, **kwargs)

    def write_feed(self, *args: Any, **kwargs: Any) -> None:
        if self._collecting:
            self._feeds.append((args, kwargs))
        else:
            super().write_feed(*args, **kwargs)

    def _write_feeds(self) -> None:
        """Write the collected feeds; with render keys, carry over each feed whose key is
        the last build's and finish the others as they are written, like pages."""
        feeds, self._feeds = self._feeds, []
        self._finished, self._carried = {}, 0
        for args, kwargs in feeds:
            if self._keys is not None and self._carried_feed(args, kwargs):
                continue
            super().write_feed(*args, **kwargs)
        build_state(self.settings).rendered_pages.update(self._finished)
        self._feeds_carried = self._carried

    def _carried_feed(self, args: tuple, kwargs: dict) -> bool:
        """Carry the feed over when its render key is the last build's; else mark it to be
        finished as it is written."""
        given = feed_arguments(self, args, kwargs)
        if not given["path"]:
            return False
        path = sanitised_join(self.output_path, given["path"])
        name = Path(path).relative_to(self.output_path).as_posix()
        shown = given.pop("elements")[: self.settings["FEED_MAX_ITEMS"]]
        context = given.pop("context")
        del given["self"]
        key = self._keys.feed(name, context, shown, given)
        record = self._finishing.last_build.get(name)
        if record is not None and record.render == key:
            # Pelican makes a file's folder as it writes it; a carried file is not written.
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            if carry(self._finishing.previous, record, Path(path)):
                self._finished[path] = record
                self._carried += 1
                return True
        self._in_hand[path] = (key, None, None, {})
        return False

    def write_collected(self) -> None:
        """Render and write every collected page and feed, then write from now on as
        Pelican does."""
        self._collecting = False
        pending, self._pending = self._pending, []
        if not pending:
            self._write_feeds()
            return
        args, kwargs = pending[0]
        context = file_argument(args, kwargs, "context")
        items = _items_of(context)
        for item in items:
            # Rendering a post's content may move the files it attaches ({attach}); do that
            # here, where the static files are copied afterwards, not in a forked process.
            # Other posts' content is rendered by the process that shows it, and only then.
            # A post not written (a draft in production) is not rendered: its files stay.
            if item.save_as and "attach" in content_html(item):
                item.content  # noqa: B018
        _fix_urls(items)
        self._prepare_keys(context, file_argument(args, kwargs, "template"), items)
        shares = _shares(pending, self.workers * SHARES_PER_WORKER)
        results = parallel_map(
            partial(_write_share, self, shares),
            range(len(shares)),
            self.workers,
            meanwhile=self._write_feeds,
        )
        errors, carried = 0, self._feeds_carried
        finished = build_state(self.settings).rendered_pages
        for written, overridden, share_finished, share_carried, share_errors in results:
            self._written_files |= written
            self._overridden_files |= overridden
            finished.update(share_finished)
            carried += share_carried
            errors += share_errors
        if errors:
            logger.error("%d error(s) while writing pages, listed above", errors)
        if self._keys is not None:
            logger.info(
                "Rendered and finished %d pages and feeds; %d more were as in the last build "
                "and carried over",
                len(finished) - carried,
                carried,
            )
        self._announce(pending)

    def _prepare_keys(self, context: dict, template: Any, items: list[Any]) -> None:
        """Render keys for the pages, when the production step records finished files."""
        self._finishing = build_state(self.settings).finishing
        if self._finishing is None:
            return
        # Every post's and page's outline, worked out by the workers, for the site's key;
        # the page workers then inherit it.
        count = 2 * self.workers
        shares = [range(start, len(items), count) for start in range(count)]
        found = parallel_map(partial(outlines, items), shares, self.workers)
        outlined = {id(items[n]): outline for share in found for n, outline in share.items()}
        code = code_digest(template.environment, self.settings)
        self._keys = RenderKeys(context, code, outlined)

    def render(self, template: Any, localcontext: dict) -> str:
        """Render a page, unless its finished file can be carried over."""
        name = localcontext["output_file"]
        key = self._keys.page(name, template.name, localcontext)
        path = sanitised_join(self.output_path, name)
        record = self._finishing.last_build.get(name)
        if record is not None and record.render == key:
            self._in_hand[path] = (key, record, template, localcontext)
            return ""
        self._in_hand[path] = (key, None, template, localcontext)
        return template.render(localcontext)

    def _announce(self, pending: list[tuple[tuple, dict]]) -> None:
        """Send `content_written` for every page written in shares, as Pelican would have."""
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
            return
        page = self._in_hand.pop(filename, None)
        with super()._open_w(filename, encoding, override) as file:
            if page is None:
                yield file
                return
            rendered = io.StringIO()
            yield rendered
        if file.name == filename:  # not skipped by Pelican's rules for overriding a file
            self._finish(Path(filename), rendered.getvalue(), *page)

    def _finish(
        self, path: Path, text: str, key: str, last: Record | None, template: Any, context: dict
    ) -> None:
        """Put the finished page in place of the new, empty file: the last build's, carried
        over, or the page rendered (now, if the last build's is gone) and finished."""
        if last is not None and carry(self._finishing.previous, last, path):
            self._finished[str(path)] = last._replace(render=key)
            self._carried += 1
            return
        if last is not None:
            text = template.render(context)
        data = text.encode("utf-8")
        self._finished[str(path)] = self._finishing.finish(path, data, render=key, on_disk=False)


class _Keyed:
    """A page's template, rendered by the writer that may carry the page over instead."""

    def __init__(self, writer: ParallelWriter, template: Any) -> None:
        self._writer = writer
        self._template = template

    def render(self, context: dict) -> str:
        return self._writer.render(self._template, context)


class _Unrendered:
    """A template that renders nothing: the page was rendered and written already."""

    @staticmethod
    def render(context: dict) -> str:
        return ""


def _without_template(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    return with_file_argument(args, kwargs, "template", _Unrendered)


def _keyed(writer: ParallelWriter, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    if writer._keys is None:
        return args, kwargs
    template = file_argument(args, kwargs, "template")
    return with_file_argument(args, kwargs, "template", _Keyed(writer, template))


def _fix_urls(items: list[Any]) -> None:
    """Work out each post's and page's address once, not each time a template asks.

    Pelican formats `url` from the settings on every use; once the posts generator is done
    it can no longer change. (Not `save_as`: Pelican takes a post or page that has
    `override_save_as` to be allowed to write over other files.)"""
    for item in items:
        if isinstance(item, Article | Page):
            item.override_url = item.url


def _shares(pending: list[tuple[tuple, dict]], count: int) -> list[list[tuple[tuple, dict]]]:
    """Split the pages into `count` shares, keeping every page of one output name together."""
    by_name: dict[Any, list[tuple[tuple, dict]]] = {}
    for call in pending:
        args, kwargs = call
        name = file_argument(args, kwargs, "name")
        by_name.setdefault(name, []).append(call)
    shares: list[list[tuple[tuple, dict]]] = [[] for _ in range(min(count, len(by_name)))]
    for number, calls in enumerate(by_name.values()):
        shares[number % len(shares)].extend(calls)
    return shares


def _items_of(context: dict) -> list[Any]:
    """Every post and page of the context, once each."""
    items = {
        id(item): item
        for name in (*ARTICLE_LISTS, *PAGE_LISTS)
        for item in context.get(name) or ()
        if isinstance(item, Content)
    }
    return list(items.values())


def _write_share(
    writer: ParallelWriter, shares: list[list[tuple[tuple, dict]]], index: int
) -> tuple[set, set, dict, int, int]:
    written_before = set(writer._written_files)
    overridden_before = set(writer._overridden_files)
    writer._finished = {}
    writer._carried = 0
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)
    try:
        with signals.content_written.muted():
            for args, kwargs in shares[index]:
                args, kwargs = _keyed(writer, args, kwargs)
                Writer.write_file(writer, *args, **kwargs)
    finally:
        logging.getLogger().removeHandler(errors)
    return (
        writer._written_files - written_before,
        writer._overridden_files - overridden_before,
        writer._finished,
        writer._carried,
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
