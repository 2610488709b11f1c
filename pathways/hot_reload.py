"""Show an edited post in the preview at once, from the state of the last build in memory.

A full build of a large blog takes seconds; the preview should not wait for it to show an
edit. The preview keeps the posts generator of a build done in its own process (`capture`).
When the files saved are posts that build already has, `refresh_posts` reads each again,
gives it what plugins attached to the old one after reading (comments, related posts,
series, neighbours), lets plugins that change a post's text after reading redo it for this
post (`post_refreshed`), and renders its page into the output folder. Listings, tag pages and
the search index catch up with the full build that follows.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from blinker import signal
from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.writers import Writer

from pathways.content_lists import ARTICLE_LISTS

# Sent with the posts generator as sender and `article=` the post just read again.
post_refreshed = signal("pathways.post-refreshed")

POST_LISTS = (*ARTICLE_LISTS, "dates")


@contextmanager
def capture() -> Iterator[list[ArticlesGenerator]]:
    """Inside this block, the posts generator of a build is put in the list yielded."""
    captured: list[ArticlesGenerator] = []

    def keep(generators: list) -> None:
        captured[:] = [g for g in generators if isinstance(g, ArticlesGenerator)]

    signals.all_generators_finalized.connect(keep, weak=False)
    try:
        yield captured
    finally:
        signals.all_generators_finalized.disconnect(keep)


def _posts(generator: ArticlesGenerator) -> Iterator[Any]:
    for name in POST_LISTS:
        yield from getattr(generator, name, [])


def refresh_posts(generator: ArticlesGenerator, sources: list[Path], output: Path) -> list[str]:
    """Read the posts at `sources` again and write their pages into `output`.

    Returns the pages written, or an empty list when the change needs a full build (a file
    that is not a known post, a changed address or status) — then nothing is written.
    """
    known = {os.path.realpath(post.source_path): post for post in _posts(generator)}
    updated = []
    for source in sources:
        old = known.get(os.path.realpath(source))
        if old is None:
            return []
        new = generator.readers.read_file(
            base_path=generator.path,
            path=os.path.relpath(source, generator.path),
            content_class=Article,
            context=generator.context,
        )
        if (new.save_as, new.url, new.status) != (old.save_as, old.url, old.status):
            return []
        for name, value in vars(old).items():
            if name not in vars(new):
                setattr(new, name, value)
        post_refreshed.send(generator, article=new)
        updated.append((old, new))
    for old, new in updated:
        for name in POST_LISTS:
            posts = getattr(generator, name, [])
            posts[:] = [new if post is old else post for post in posts]
    writer = Writer(str(output), settings=generator.settings)
    for _, post in updated:
        writer.write_file(
            post.save_as,
            generator.get_template(post.template),
            generator.context,
            article=post,
            category=getattr(post, "category", None),
            override_output=hasattr(post, "override_save_as"),
            url=post.url,
            blog=True,
            relative_urls=generator.settings["RELATIVE_URLS"],
        )
    return [post.save_as for _, post in updated]
