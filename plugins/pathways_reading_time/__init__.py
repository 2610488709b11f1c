"""Give every post and page a `reading_time` in whole minutes, for listings and post headers."""

import math
import re
from typing import Any

from pelican import signals
from pelican.contents import Content

from pathways.pelican_internals.content import content_html, has_content_html

TAG = re.compile(r"<[^>]+>")


def count_words(html: str) -> int:
    """Words a reader reads: the text of the HTML without its tags."""
    return len(TAG.sub(" ", html).split())


def add_reading_time(content: Content) -> None:
    words_per_minute = content.settings["READING_TIME_WORDS_PER_MINUTE"]
    words = count_words(content_html(content))
    content.word_count = words
    content.reading_time = max(1, math.ceil(words / words_per_minute))


def register() -> None:
    signals.content_object_init.connect(_on_content)


def _on_content(content: Any) -> None:
    if has_content_html(content):
        add_reading_time(content)
