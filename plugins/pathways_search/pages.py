"""What Pagefind reads of the built site: of each page that marks what is searched, only the
parts Pagefind takes anything from, written to a folder of their own for Pagefind to index.

Pagefind indexes only the elements marked `data-pagefind-body` once any page has one, and
leaves pages without one out; such a site (ours) has only its posts and pages read. Of a page,
Pagefind takes the text of those elements and, from anywhere on the page, the language, the
`<title>`, the first `<h1>` and `<img>`, and every `data-pagefind-*` attribute. A page's
searched part keeps those elements whole and the tags (with their attributes) that hold them,
and nothing else: the comments, their count, the sidebar and the footer can change without
changing it. Pagefind makes the same index from the searched parts as from the whole site (a
test compares them) with less to read, and a digest of the searched parts is a digest of
exactly what it reads.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pathways.carry import stamp

BODY = "data-pagefind-body"
# The elements Pagefind reads wherever they are: titles, images, and the searched ones and
# metadata (any data-pagefind-* attribute).
READ_TAGS = ("h1", "img", "title")
MARKED = etree.XPath("//*[@*[starts-with(name(), 'data-pagefind')]]")
PARSER = etree.HTMLParser(encoding="utf-8")


@dataclass(frozen=True)
class Page:
    """One built HTML file: its path in the site, the hash of its bytes and, when it marks
    what is searched, the hash of its searched part; and the file's identity (inode, size,
    modification time) when it was read."""

    path: str
    file_hash: str
    searched: str | None
    identity: tuple[int, int, int] | None = None


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def searched_part(html: bytes) -> bytes | None:
    """The page with only what Pagefind takes from it, or None when nothing on it is marked
    `data-pagefind-body`."""
    if BODY.encode() not in html:
        return None
    document = etree.fromstring(html, PARSER)
    if document is None:
        return None
    whole = set(document.iter(*READ_TAGS))
    whole.update(MARKED(document))
    if not any(element.get(BODY) is not None for element in whole):
        return None
    # The tags that hold what Pagefind reads keep their attributes but lose their own text
    # and every other child.
    holders = set()
    for element in whole:
        for ancestor in element.iterancestors():
            if ancestor in whole:
                break
            holders.add(ancestor)
    holders = {holder for holder in holders if not whole.intersection(holder.iterancestors())}
    for holder in holders:
        holder.text = None
        for child in list(holder):
            if child in whole or child in holders:
                child.tail = None
            else:
                holder.remove(child)
    return etree.tostring(document, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")


def has_text(part: bytes) -> bool:
    """Whether a searched part has any text in what it marks searched."""
    document = etree.fromstring(part, PARSER)
    if document is None:
        return False
    return any(
        element.get(BODY) is not None and "".join(element.itertext()).strip()
        for element in document.iter()
    )


def identity(path: Path) -> tuple[int, int, int]:
    return stamp(path.stat())


@dataclass(frozen=True)
class PageReader:
    """Reads pages of `site` and writes their searched parts to `parts` (same paths).

    `known` maps paths to `[file_hash, searched, identity]` from the last build into the same
    `parts`: a page that is the very file read then (the build carries unchanged pages over as
    hard links, so they keep their inode and time) is not read again, nor one with the same
    bytes cut again.
    """

    site: Path
    parts: Path
    known: dict[str, list]

    def unchanged(self, path: str) -> Page | None:
        """The page as read last time, when it is the very file read then."""
        last = self._kept(path)
        if last is None or len(last) < 3 or tuple(last[2]) != identity(self.site / path):
            return None
        return Page(path, last[0], last[1], tuple(last[2]))

    def _kept(self, path: str) -> list | None:
        """What the last build read of `path`, if its searched part is still in `parts`."""
        last = self.known.get(path)
        if last and (last[1] is None or (self.parts / path).is_file()):
            return last
        return None

    def __call__(self, path: str) -> Page:
        file = self.site / path
        found = identity(file)
        data = file.read_bytes()
        digest = file_hash(data)
        last = self._kept(path)
        if last and last[0] == digest:
            return Page(path, digest, last[1], found)
        part = searched_part(data)
        if part is None:
            (self.parts / path).unlink(missing_ok=True)
            return Page(path, digest, None, found)
        (self.parts / path).parent.mkdir(parents=True, exist_ok=True)
        (self.parts / path).write_bytes(part)
        return Page(path, digest, file_hash(part), found)


def remove_others(parts: Path, pages: list[Page], known: dict[str, list]) -> None:
    """Remove from `parts` the searched parts of pages that are gone or no longer searched
    (none, when every page searched in the last build, `known`, still is)."""
    searched = {page.path for page in pages if page.searched}
    if known and all(path in searched for path, last in known.items() if last[1]):
        return
    for path in sorted(parts.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(parts).as_posix() not in searched:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
