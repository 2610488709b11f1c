"""Care for readers of sensitive posts: content notes, the medical disclaimer, review dates.

- `Content-Note: panic attack, trauma` gives `content_notes` (shown above the post and in
  listings); `Content-Note-Collapse: yes` (or `CONTENT_NOTES_COLLAPSE`) starts the post closed.
- Posts in `DISCLAIMER_CATEGORIES` or tagged with one of `DISCLAIMER_TAGS` get `disclaimer`.
- `Reviewed: 2024-03-01` becomes the `reviewed` date ("Reviewed on …").
- The page with the slug `DISCLAIMER_PAGE_SLUG` ("disclaimer") is `disclaimer_page`.
"""

import logging
from datetime import date
from typing import Any

from pelican import signals

logger = logging.getLogger(__name__)


def add_care(content: Any) -> None:
    settings = content.settings
    metadata = getattr(content, "metadata", {})
    notes = str(metadata.get("content-note", ""))
    content.content_notes = [note.strip() for note in notes.split(",") if note.strip()]
    collapse = str(metadata.get("content-note-collapse", "")).lower()
    content.collapse_body = bool(content.content_notes) and (
        collapse in ("yes", "true") or (collapse == "" and settings["CONTENT_NOTES_COLLAPSE"])
    )
    tags = {tag.slug for tag in getattr(content, "tags", [])}
    category = getattr(getattr(content, "category", None), "slug", None)
    content.disclaimer = bool(
        tags & set(settings["DISCLAIMER_TAGS"]) or category in settings["DISCLAIMER_CATEGORIES"]
    )
    content.reviewed = None
    if metadata.get("reviewed"):
        try:
            content.reviewed = date.fromisoformat(str(metadata["reviewed"]).strip()[:10])
        except ValueError:
            logger.error(
                "%s: the 'Reviewed' field must be a date like 2024-03-01", content.source_path
            )


def find_disclaimer_page(generator: Any) -> None:
    """`disclaimer_page` for links to it, or None when the site has no such page."""
    slug = generator.settings["DISCLAIMER_PAGE_SLUG"]
    pages = [*generator.pages, *generator.hidden_pages]
    generator.context["disclaimer_page"] = next((p for p in pages if p.slug == slug), None)


def register() -> None:
    signals.content_object_init.connect(add_care)
    signals.page_generator_finalized.connect(find_disclaimer_page)
