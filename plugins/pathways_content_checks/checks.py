"""Fail the build with a clear message when two posts or pages claim the same slug, or the
theme lacks a template (see templates.py); warn about posts left where they are not read
(see unread.py).

Pelican lets two posts with the same slug overwrite each other's page; this check turns that
into an error naming both files and saying what to do. (Front matter that cannot be read is
reported, with the file and the field, by the markdown_reader plugin.)
"""

from collections import defaultdict
from collections.abc import Iterable
from itertools import chain
from typing import Any

from pelican import signals
from pelican.contents import Content

from pathways.pelican_internals.generators import ARTICLE_LISTS, PAGE_LISTS

from .templates import check_theme
from .unread import warn_unread_sources


class SlugCollision(Exception):
    """Two sources would be written to the same address."""


def find_slug_collisions(items: Iterable[Content], kind: str) -> list[str]:
    """One message per slug that more than one source file claims."""
    by_slug: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in items:
        # A translation shares its original's slug, in another language (`Lang:`).
        by_slug[item.slug, item.lang].append(item.get_relative_source_path())
    return [
        f"{', '.join(sorted(paths))}: these {kind} share the slug '{slug}'; "
        "give all but one a different 'Slug:' (or title), or, for a translation, its 'Lang:'"
        for (slug, _), paths in sorted(by_slug.items())
        if len(paths) > 1
    ]


def _check_slugs(generator: Any, lists: Iterable[str], kind: str) -> None:
    items = chain.from_iterable(getattr(generator, name) for name in lists)
    problems = find_slug_collisions(items, kind)
    if problems:
        raise SlugCollision("\n".join(problems))


def check_article_slugs(generator: Any) -> None:
    _check_slugs(generator, ARTICLE_LISTS, "posts")


def check_page_slugs(generator: Any) -> None:
    _check_slugs(generator, PAGE_LISTS, "pages")


def register() -> None:
    signals.initialized.connect(check_theme)
    signals.article_generator_finalized.connect(check_article_slugs)
    signals.article_generator_finalized.connect(warn_unread_sources)
    signals.page_generator_finalized.connect(check_page_slugs)
