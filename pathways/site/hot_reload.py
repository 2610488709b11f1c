"""Show an edited post or page in the preview at once, from the last build kept in memory.

A full build of a large blog takes seconds; the preview should not wait for it to show an
edit. The preview keeps the posts and pages generators of a build done in its own process
(`capture`). When the files saved are posts or pages that build already has, `refresh` reads
each again, gives it what plugins attached to the old one after reading (comments, related
posts, series, neighbours), lets plugins that change a post's text after reading redo it
(`post_refreshed`), and renders its page into the output folder. Listings, tag pages and
the search index catch up with the full build that follows.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, Generator, PagesGenerator
from pelican.writers import Writer

from pathways.pelican_internals.generators import ARTICLE_LISTS, PAGE_LISTS, write_own_page
from pathways.plugin_support import post_refreshed

# Per kind of generator: the lists it keeps its content in, and the content's class.
KINDS = {
    ArticlesGenerator: ((*ARTICLE_LISTS, "dates"), Article),
    PagesGenerator: (PAGE_LISTS, Page),
}


@contextmanager
def capture() -> Iterator[list[Generator]]:
    """Inside this block, the posts and pages generators of a build are put in the list."""
    captured: list[Generator] = []

    def keep(generators: list) -> None:
        captured[:] = [g for g in generators if type(g) in KINDS]

    signals.all_generators_finalized.connect(keep, weak=False)
    try:
        yield captured
    finally:
        signals.all_generators_finalized.disconnect(keep)


def _known(generators: list[Generator]) -> dict[str, tuple[Generator, Any]]:
    """Every post and page of the build by its source file, with its generator."""
    known = {}
    for generator in generators:
        for name in KINDS[type(generator)][0]:
            for item in getattr(generator, name, []):
                known[os.path.realpath(item.source_path)] = (generator, item)
    return known


def refresh(generators: list[Generator], sources: list[Path], output: Path) -> list[str]:
    """Read the posts and pages at `sources` again and write their files into `output`.

    Returns the files written, or an empty list when the change needs a full build (a file
    that is not a known post or page, a changed address or status); then nothing is written.
    """
    known = _known(generators)
    updated = []
    for source in sources:
        generator, old = known.get(os.path.realpath(source), (None, None))
        if old is None:
            return []
        lists, content_class = KINDS[type(generator)]
        new = generator.readers.read_file(
            base_path=generator.path,
            path=os.path.relpath(source, generator.path),
            content_class=content_class,
            context=generator.context,
        )
        if (new.save_as, new.url, new.status) != (old.save_as, old.url, old.status):
            return []
        for name, value in vars(old).items():
            if name not in vars(new):
                setattr(new, name, value)
        if content_class is Article:
            post_refreshed.send(generator, article=new)
        updated.append((generator, lists, old, new))
    writer = Writer(str(output), settings=generators[0].settings)
    for generator, lists, old, new in updated:
        for name in lists:
            items = getattr(generator, name, [])
            items[:] = [new if item is old else item for item in items]
        write_own_page(writer, generator, new)
    return [new.save_as for _, _, _, new in updated]
