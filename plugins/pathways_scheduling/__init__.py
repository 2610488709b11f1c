"""Scheduled posts: a post dated in the future is marked `scheduled`.

Production (`WITH_FUTURE_DATES = False` in `publishconf.py`) holds such a post back: Pelican
treats it as a draft, so it is in no page, list, feed, sitemap or search index until the first
build after its time. The preview shows it, marked "Scheduled for …".
"""

from datetime import datetime
from typing import Any

from pelican import signals
from pelican.contents import Article


def mark_scheduled(content: Any) -> None:
    date = getattr(content, "date", None)
    if not isinstance(content, Article) or date is None:
        return  # a post without a date: Pelican names the file and the field
    now = datetime.now(date.tzinfo) if date.tzinfo else datetime.now()
    content.scheduled = content.status == "published" and date > now


def register() -> None:
    signals.content_object_init.connect(mark_scheduled)
