"""A table of contents for long posts and pages, from their `h2`/`h3` headings.

Python-Markdown's `toc` extension gives headings their ids and copyable permalinks; this
plugin collects them into `content.toc` when there are at least `TOC_MIN_HEADINGS`.
"""

import re
from html import unescape
from typing import Any

from pelican import signals

from pathways.pelican_internals.content import content_html

HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
PERMALINK = re.compile(r'<a [^>]*class="headerlink"[^>]*>.*?</a>', re.DOTALL)


def table_of_contents(html: str) -> list[dict]:
    """[{level, id, title}] for each h2/h3 with an id, in order (our own Markdown output)."""
    return [
        {
            "level": int(level),
            "id": anchor,
            "title": unescape(TAG.sub("", PERMALINK.sub("", body))).strip(),
        }
        for level, anchor, body in HEADING.findall(html)
    ]


def add_toc(content: Any) -> None:
    if not content_html(content):
        return
    minimum = content.settings["TOC_MIN_HEADINGS"]
    entries = table_of_contents(content_html(content))
    content.toc = entries if len([e for e in entries if e["level"] == 2]) >= minimum else []


def register() -> None:
    signals.content_object_init.connect(add_toc)
