"""A "References" list from front matter: one source per line, `Title | URL | accessed date`.

    References: Ketamine for treatment-resistant depression | https://example.org/a | 2024-03-01
        Another source | https://example.org/b

Only http(s) addresses are linked; a line that cannot be read is reported with its file.
"""

import logging
from datetime import date
from typing import Any

import smartypants
from pelican import signals

from pathways.comments.model import TYPOGRAPHY
from pathways.pelican_internals.generators import ARTICLE_LISTS, PAGE_LISTS

logger = logging.getLogger(__name__)


def parse_references(value: Any, source: str) -> list[dict]:
    lines = value if isinstance(value, list) else str(value).splitlines()
    references = []
    for line in lines:
        parts = [part.strip() for part in str(line).split("|")]
        if not parts[0]:
            continue
        title, url = parts[0], parts[1] if len(parts) > 1 else ""
        if url and not url.startswith(("https://", "http://")):
            logger.warning(
                "%s: reference %r has no http(s) address; shown without a link", source, title
            )
            url = ""
        accessed = None
        if len(parts) > 2 and parts[2]:
            try:
                accessed = date.fromisoformat(parts[2])
            except ValueError:
                logger.warning(
                    "%s: reference %r: %r is not a YYYY-MM-DD date", source, title, parts[2]
                )
        references.append({"title": title, "url": url, "accessed": accessed})
    return references


def add_references(content: Any) -> None:
    value = getattr(content, "metadata", {}).get("references")
    content.references = parse_references(value, content.source_path) if value else []


def curl_quotes(generator: Any) -> None:
    """With `TYPOGRIFY`, the sources' titles get the curly quotes and dashes the text has
    (the generator's settings say so: the readers' copy has it off when they typogrify)."""
    if not generator.settings.get("TYPOGRIFY"):
        return
    for name in (*ARTICLE_LISTS, *PAGE_LISTS):
        for content in getattr(generator, name, None) or []:
            for reference in getattr(content, "references", []):
                reference["title"] = smartypants.smartypants(reference["title"], TYPOGRAPHY)


def register() -> None:
    signals.content_object_init.connect(add_references)
    signals.article_generator_finalized.connect(curl_quotes)
    signals.page_generator_finalized.connect(curl_quotes)
