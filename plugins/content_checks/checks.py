"""Front-matter checks that name the file and the field at fault.

Pelican reports a post whose metadata cannot be parsed only as "Could not process <file>",
and lets two posts with the same slug overwrite each other's page. These checks turn both
into errors that say which file, which field and what to do.
"""

import logging
import os
from collections import defaultdict
from collections.abc import Iterable
from itertools import chain
from typing import Any

from pelican import signals
from pelican.contents import Content
from pelican.readers import MarkdownReader, Readers

logger = logging.getLogger(__name__)


class ContentError(Exception):
    """Content that cannot be published as it is."""


class CheckedMarkdownReader(MarkdownReader):
    """Markdown reader whose metadata errors name the file, the field and the value."""

    def process_metadata(self, name: str, value: Any) -> Any:
        try:
            return super().process_metadata(name, value)
        except (ValueError, TypeError) as error:
            source = os.path.relpath(self._source_path, self.settings["PATH"])
            message = (
                f"{source}: the '{name.capitalize()}' field has an invalid "
                f"value {value!r} ({error})"
            )
            if name == "date" or name == "modified":
                message += "; write it like 2024-03-01 09:30+01:00"
            logger.error(message)
            raise ContentError(message) from error


def use_checked_reader(readers: Readers) -> None:
    for extension in MarkdownReader.file_extensions:
        readers.reader_classes[extension] = CheckedMarkdownReader


def find_slug_collisions(items: Iterable[Content], kind: str) -> list[str]:
    """One message per slug that more than one source file claims."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for item in items:
        by_slug[item.slug].append(item.get_relative_source_path())
    return [
        f"{', '.join(sorted(paths))}: these {kind} share the slug '{slug}'; "
        "give all but one a different 'Slug:' (or title)"
        for slug, paths in sorted(by_slug.items())
        if len(paths) > 1
    ]


ARTICLE_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
)
PAGE_LISTS = (
    "pages",
    "translations",
    "hidden_pages",
    "hidden_translations",
    "draft_pages",
    "draft_translations",
)


def _check_slugs(generator: Any, lists: Iterable[str], kind: str) -> None:
    items = chain.from_iterable(getattr(generator, name) for name in lists)
    problems = find_slug_collisions(items, kind)
    if problems:
        raise ContentError("\n".join(problems))


def check_article_slugs(generator: Any) -> None:
    _check_slugs(generator, ARTICLE_LISTS, "posts")


def check_page_slugs(generator: Any) -> None:
    _check_slugs(generator, PAGE_LISTS, "pages")


def register() -> None:
    signals.readers_init.connect(use_checked_reader)
    signals.article_generator_finalized.connect(check_article_slugs)
    signals.page_generator_finalized.connect(check_page_slugs)
