"""What Pagefind reads of the built site, and a digest of it that changes only when what
Pagefind takes from a page can change.

Pagefind indexes only the elements marked `data-pagefind-body` once any page has one, and
leaves pages without one out; such a site (ours) has only its posts and pages read. Of a page,
Pagefind takes the text of those elements and, from anywhere on the page, the language, the
`<title>`, the first `<h1>` and `<img>`, and every `data-pagefind-*` attribute. A page's
digest covers the searched elements, the elements read anywhere and the tags (with their
attributes) that hold them: the comments, their count, the sidebar and the footer can change
without the page being indexed again.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import lxml.html

BODY = "data-pagefind-body"
# Outside the searched elements, Pagefind still reads these (titles, images, metadata).
READ_ANYWHERE = {"h1", "img", "title"}


@dataclass(frozen=True)
class Page:
    """One built HTML file: its path in the site, the hash of its bytes and, when it has
    searched elements, the digest of what Pagefind takes from it."""

    path: str
    file_hash: str
    searched: str | None


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def searched_digest(html: bytes) -> str | None:
    """The digest of what Pagefind takes from a page, or None when nothing on it is marked
    `data-pagefind-body`."""
    if BODY.encode() not in html:
        return None
    document = lxml.html.document_fromstring(html)
    whole = [
        element
        for element in document.iter()
        if isinstance(element.tag, str) and (element.get(BODY) is not None or _read(element))
    ]
    if not any(element.get(BODY) is not None for element in whole):
        return None
    kept = {inner for element in whole for inner in element.iter()}
    # Descendants before their ancestors: an element stays (without its own text) only
    # when something Pagefind reads is left inside it.
    for element in reversed(list(document.iter())):
        if element in kept:
            continue
        if len(element):
            element.text = element.tail = None
        else:
            element.getparent().remove(element)
    return file_hash(lxml.html.tostring(document, encoding="utf-8"))


def _read(element: lxml.html.HtmlElement) -> bool:
    """Whether Pagefind takes something from this element wherever it is on the page."""
    return element.tag in READ_ANYWHERE or any(
        name.startswith("data-pagefind") for name in element.attrib
    )


@dataclass(frozen=True)
class PageReader:
    """Reads pages of `site`; `known` maps paths to `[file_hash, searched]` from the last
    build, so a file with the same bytes is not parsed again."""

    site: Path
    known: dict[str, list]

    def __call__(self, path: str) -> Page:
        data = (self.site / path).read_bytes()
        digest = file_hash(data)
        last = self.known.get(path)
        if last and last[0] == digest:
            return Page(path, digest, last[1])
        return Page(path, digest, searched_digest(data))
