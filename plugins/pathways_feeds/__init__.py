"""Feeds carry absolute addresses: a link or image a post writes from the site's root
(`/archives/`, `/images/walk.jpg`) works on the site's pages, but a feed reader has no page
to resolve it against, so in the feeds it gets the site's address in front."""

import re
from typing import Any

from pelican import signals

# An href or src attribute whose value starts with one slash (not two: those name a host).
ROOT_RELATIVE = re.compile(r"""(\s(?:href|src)=)(["'])/(?!/)""")


def absolute_links(html: str | None, siteurl: str) -> str | None:
    if not html or not siteurl:
        return html
    return ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{m.group(2)}{siteurl}/", html)


def absolute_feed(context: dict, feed: Any) -> None:
    siteurl = context["SITEURL"].rstrip("/")
    for item in feed.items:
        for field in ("description", "content"):
            item[field] = absolute_links(item.get(field), siteurl)


def register() -> None:
    signals.feed_generated.connect(absolute_feed)
