"""A post's or page's HTML as Pelican keeps it after reading, and its links to other files.

Pelican keeps the HTML a reader made in `_content`; its `content` property fills in the
`{filename}`/`{attach}` links and static URLs each time it is read. Plugins that change the
text (typography, glossary, photos, tables of contents) change `_content`, once.
"""

import re
from collections.abc import Iterator
from typing import Any

# The attribute holding the HTML as read (render keys treat it as the page's own text).
HTML_ATTRIBUTE = "_content"


def has_content_html(content: Any) -> bool:
    """Whether `content` holds HTML as read (an object made without a reader may not)."""
    return getattr(content, HTML_ATTRIBUTE, None) is not None


def content_html(content: Any) -> str:
    """The HTML `content` holds as read ("" when it has none)."""
    return getattr(content, HTML_ATTRIBUTE, None) or ""


def set_content_html(content: Any, text: str) -> None:
    setattr(content, HTML_ATTRIBUTE, text)


def intrasite_links(content: Any, text: str) -> Iterator[re.Match]:
    """Pelican's `{filename}`, `{attach}`, `{static}` … links in `text`, as `content` finds
    them (groups `what` and `value`)."""
    return content._get_intrasite_link_regex().finditer(text)
