"""Feeds carry absolute addresses: a link or image a post writes from the site's root
(`/archives/`, `/images/walk.jpg`) works on the site's pages, but a feed reader has no page
to resolve it against, so in the feeds it gets the site's address in front.

What only works on the site is left out of a feed entry: the "#" links beside headings, and
the glossary's popovers (a term is left as its word, in a feed reader that has no popovers
it would be a button followed by its whole definition)."""

import re
from typing import Any

from pelican import signals

# An href or src attribute whose value starts with one slash (not two: those name a host).
ROOT_RELATIVE = re.compile(r"""(\s(?:href|src)=)(["'])/(?!/)""")


def absolute_links(html: str | None, siteurl: str) -> str | None:
    if not html or not siteurl:
        return html
    return ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{m.group(2)}{siteurl}/", html)


SITE_ONLY = ("a.headerlink", ".glossary-popover")
SITE_ONLY_MARKERS = ('class="headerlink"', 'class="glossary-')


def without_site_only_markup(html: str | None) -> str | None:
    """The entry's HTML without heading links and glossary popovers (terms stay as words)."""
    if not html or not any(marker in html for marker in SITE_ONLY_MARKERS):
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select(", ".join(SITE_ONLY)):
        element.decompose()
    for term in soup.select("button.glossary-term"):
        term.unwrap()
    return str(soup)


def absolute_feed(context: dict, feed: Any) -> None:
    siteurl = context["SITEURL"].rstrip("/")
    for item in feed.items:
        for field in ("description", "content"):
            item[field] = absolute_links(without_site_only_markup(item.get(field)), siteurl)


def register() -> None:
    signals.feed_generated.connect(absolute_feed)
