"""Read a Blogger export (Atom XML) into plain entries: posts, pages and comments.

Both formats in use are understood: the classic export (entries typed by a `kind#post`,
`kind#page` or `kind#comment` category, drafts in `app:control`, threads in
`thr:in-reply-to` and `related` links) and the newer one (`blogger:type`, `blogger:status`,
`blogger:filename`, `blogger:parent`). XML is parsed with defusedxml: an export is input
from elsewhere and is treated as hostile.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse

ATOM = "{http://www.w3.org/2005/Atom}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
LIVE, DRAFT = "live", "draft"


class ExportError(Exception):
    """The file cannot be imported at all; the message says why."""


@dataclass
class Entry:
    """One post, page or comment of the export, as read (nothing checked yet)."""

    kind: str
    id: str
    title: str = ""
    html: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    author: str = ""
    author_uri: str = ""
    labels: list[str] = field(default_factory=list)
    path: str = ""
    status: str = LIVE
    parent_refs: list[str] = field(default_factory=list)
    line_hint: str = ""

    @property
    def short_id(self) -> str:
        """`tag:blogger.com,1999:blog-1.post-42` -> `42`."""
        tail = self.id.rsplit(".", 1)[-1]
        return tail.split("-", 1)[1] if "-" in tail else tail


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(entry: Element, name: str) -> str:
    for child in entry:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def detect_format(root: Element) -> str:
    """`new`, `classic`, or an ExportError that says what the file looks like instead."""
    if _local(root.tag) == "rss":
        raise ExportError("this is an RSS file (a WordPress export?), not a Blogger export")
    if root.tag != f"{ATOM}feed":
        raise ExportError(
            f"not a Blogger export: the document is <{_local(root.tag)}>, not an Atom feed"
        )
    entries = root.findall(f"{ATOM}entry")
    if any(_child_text(entry, "type") for entry in entries):
        return "new"
    for entry in entries:
        for category in entry.findall(f"{ATOM}category"):
            if category.get("scheme") == KIND_SCHEME:
                return "classic"
    raise ExportError("an Atom feed, but not a Blogger export (no post kinds or blogger:type)")


def read_export(path: Path) -> tuple[str, list[Entry], list[str]]:
    """The export's format, its entries, and a warning per entry that could not be read."""
    try:
        root = parse(str(path)).getroot()
    except (ParseError, DefusedXmlException) as error:
        raise ExportError(f"{path}: not a readable XML file ({error})") from None
    except OSError as error:
        raise ExportError(f"{path}: {error.strerror or error}") from None
    kind = detect_format(root)
    reader = _read_new if kind == "new" else _read_classic
    entries, warnings = [], []
    for number, element in enumerate(root.findall(f"{ATOM}entry"), 1):
        entry = reader(element)
        if entry is None:
            continue
        entry.line_hint = f"entry {number}"
        entries.append(entry)
    return kind, entries, warnings


def _common(element: Element, kind: str) -> Entry:
    content = element.find(f"{ATOM}content")
    author = element.find(f"{ATOM}author")
    entry = Entry(
        kind=kind,
        id=_child_text(element, "id"),
        title=" ".join((element.findtext(f"{ATOM}title") or "").split()),
        html=(content.text or "") if content is not None else "",
        published=_date(_child_text(element, "published")),
        updated=_date(_child_text(element, "updated")),
        author=" ".join((author.findtext(f"{ATOM}name") or "").split())
        if author is not None
        else "",
        author_uri=(author.findtext(f"{ATOM}uri") or "").strip() if author is not None else "",
        labels=[
            category.get("term", "").strip()
            for category in element.findall(f"{ATOM}category")
            if category.get("scheme") in (LABEL_SCHEME, None) and category.get("term")
        ],
    )
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel") == "alternate" and link.get("href"):
            entry.path = urlsplit(link.get("href")).path
    return entry


def _read_classic(element: Element) -> Entry | None:
    kinds = [
        c.get("term", "").rsplit("#", 1)[-1]
        for c in element.findall(f"{ATOM}category")
        if c.get("scheme") == KIND_SCHEME
    ]
    if not kinds or kinds[0] not in ("post", "page", "comment"):
        return None
    entry = _common(element, kinds[0])
    for child in element.iter():
        name = _local(child.tag)
        if name == "draft" and (child.text or "").strip().lower() == "yes":
            entry.status = DRAFT
        elif name == "in-reply-to" and child.get("ref"):
            entry.parent_refs.append(child.get("ref"))
        elif name == "extendedProperty" and child.get("name") == "blogger.contentRemoved":
            entry.status = "deleted" if child.get("value") == "true" else entry.status
    for link in element.findall(f"{ATOM}link"):
        href = link.get("href", "")
        if link.get("rel") == "related" and "/comments/default/" in href:
            entry.parent_refs.insert(0, href.rsplit("/", 1)[-1])
    return entry


def _read_new(element: Element) -> Entry | None:
    kind = _child_text(element, "type").lower()
    if kind not in ("post", "page", "comment"):
        return None
    entry = _common(element, kind)
    status = _child_text(element, "status").upper()
    entry.status = {"LIVE": LIVE, "DRAFT": DRAFT}.get(status, status.lower() or LIVE)
    filename = _child_text(element, "filename")
    if filename:
        entry.path = urlsplit(filename).path
    parent = _child_text(element, "parent")
    if parent:
        entry.parent_refs.append(parent)
    for child in element.iter():
        if _local(child.tag) == "in-reply-to" and child.get("ref"):
            entry.parent_refs.append(child.get("ref"))
    return entry
