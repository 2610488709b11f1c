"""Read a Blogger export (Atom XML) into plain entries: posts, pages and comments.

Both formats in use are understood: the classic "Back up content" file (entries typed by a
`kind#post`, `kind#page` or `kind#comment` category, drafts in `app:control`, threads in
`thr:in-reply-to` and `related` links, the blog's settings as entries) and the Google
Takeout file (2018 schema: `blogger:type`, `blogger:status`, `blogger:filename`,
`blogger:parent`, `blogger:inReplyTo`, `blogger:metaDescription`). XML is parsed with
defusedxml: an export is input from elsewhere and is treated as hostile. A file that only
forgot to declare one of the well-known Atom or Blogger prefixes is repaired (and the repair
reported); entities, external references and files cut short are refused.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import fromstring

ATOM = "{http://www.w3.org/2005/Atom}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
TAKEOUT_LABEL_SCHEME = re.compile(r"tag:blogger\.com,1999:blog-\d+$")
LIVE, DRAFT, SCHEDULED = "live", "draft", "scheduled"
WELL_KNOWN_PREFIXES = {
    "app": "http://purl.org/atom/app#",
    "blogger": "http://schemas.google.com/blogger/2018",
    "gd": "http://schemas.google.com/g/2005",
    "georss": "http://www.georss.org/georss",
    "media": "http://search.yahoo.com/mrss/",
    "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
    "thr": "http://purl.org/syndication/thread/1.0",
}
CUT_SHORT = {
    expat_errors.XML_ERROR_NO_ELEMENTS,
    expat_errors.XML_ERROR_UNCLOSED_TOKEN,
    expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    expat_errors.XML_ERROR_PARTIAL_CHAR,
}
AGAIN = "download the export from Blogger again"


class ExportError(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


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
    description: str = ""

    @property
    def short_id(self) -> str:
        """`tag:blogger.com,1999:blog-1.post-42` -> `42`."""
        tail = self.id.rsplit(".", 1)[-1]
        return tail.split("-", 1)[1] if "-" in tail else tail


@dataclass
class Export:
    """What an export file holds: its format, its entries, the blog's name, author and time
    zone (when the file says), and what was repaired to read it."""

    format: str
    entries: list[Entry]
    title: str = ""
    author: str = ""
    timezone: str = ""
    repairs: list[str] = field(default_factory=list)


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
    """`takeout`, `classic`, or an ExportError that says what the file looks like instead."""
    if _local(root.tag) == "rss":
        raise ExportError("this is an RSS file (a WordPress export?), not a Blogger export")
    if root.tag != f"{ATOM}feed":
        raise ExportError(
            f"not a Blogger export: the document is <{_local(root.tag)}>, not an Atom feed"
        )
    entries = root.findall(f"{ATOM}entry")
    if any(_child_text(entry, "type") for entry in entries):
        return "takeout"
    for entry in entries:
        for category in entry.findall(f"{ATOM}category"):
            if category.get("scheme") == KIND_SCHEME:
                return "classic"
    raise ExportError("an Atom feed, but not a Blogger export (no post kinds or blogger:type)")


def _declare_missing_prefixes(data: bytes) -> tuple[bytes, list[str]]:
    """The file with the well-known prefixes it uses but never declares declared on its root
    element, and the prefixes added."""
    start = re.search(rb"<(?:\w+:)?feed\b[^>]*>", data)
    if start is None:
        return data, []
    root_tag = start.group(0)
    used = {prefix.decode() for prefix in re.findall(rb"</?(\w+):\w", data)}
    missing = sorted(
        prefix
        for prefix in used & WELL_KNOWN_PREFIXES.keys()
        if f"xmlns:{prefix}=".encode() not in root_tag
    )
    if not missing:
        return data, []
    declarations = "".join(f' xmlns:{p}="{WELL_KNOWN_PREFIXES[p]}"' for p in missing)
    closing = -2 if root_tag.endswith(b"/>") else -1
    repaired = root_tag[:closing] + declarations.encode() + root_tag[closing:]
    return data[: start.start()] + repaired + data[start.end() :], missing


def _refusal(path: Path, data: bytes, error: Exception) -> ExportError:
    """A plain-words reason for a file that cannot be read, and what to do about it."""
    if isinstance(error, EntitiesForbidden | DTDForbidden):
        return ExportError(
            f"{path}: the file defines its own XML entities, which a Blogger export never "
            "does; it is refused for safety. Download the export from Blogger again"
        )
    if isinstance(error, DefusedXmlException):
        return ExportError(
            f"{path}: the file refers to other files or addresses, which a Blogger export "
            "never does; it is refused for safety. Download the export from Blogger again"
        )
    if not data.lstrip().startswith(b"<"):
        return ExportError(f"{path}: this is not an XML file, so not a Blogger export")
    message = str(error).split(":", 1)[0]
    line, column = getattr(error, "position", (0, 0))
    at_end = line >= data.count(b"\n") + 1 and not data.rstrip().endswith(b">")
    if message in CUT_SHORT or at_end:
        return ExportError(f"{path}: this file was cut short (it ends too early): {AGAIN}")
    return ExportError(
        f"{path}: the file is damaged at line {line}, column {column} ({message}): {AGAIN}"
    )


def _parse(path: Path, data: bytes) -> tuple[Element, list[str]]:
    try:
        return fromstring(data), []
    except ParseError as error:
        if str(error).split(":", 1)[0] != expat_errors.XML_ERROR_UNBOUND_PREFIX:
            raise _refusal(path, data, error) from None
        repaired, added = _declare_missing_prefixes(data)
        if not added:
            raise _refusal(path, data, error) from None
        try:
            root = fromstring(repaired)
        except (ParseError, DefusedXmlException) as second:
            raise _refusal(path, repaired, second) from None
        names = ", ".join(f"{prefix}:" for prefix in added)
        return root, [f"the file uses the prefix {names} without declaring it; declared it"]
    except DefusedXmlException as error:
        raise _refusal(path, data, error) from None


def read_export(path: Path) -> Export:
    """The export in `path`: its entries in file order, and the blog's own details."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExportError(f"{path}: {error.strerror or error}") from None
    if not data.strip():
        raise ExportError(f"{path}: the file is empty: {AGAIN}")
    root, repairs = _parse(path, data)
    kind = detect_format(root)
    reader = _read_takeout if kind == "takeout" else _read_classic
    export = Export(kind, [], repairs=repairs)
    export.title = " ".join((root.findtext(f"{ATOM}title") or "").split())
    export.author = " ".join((root.findtext(f"{ATOM}author/{ATOM}name") or "").split())
    for element in root.findall(f"{ATOM}entry"):
        entry_id = _child_text(element, "id")
        if kind == "classic" and ".settings." in entry_id:
            name = entry_id.rsplit(".", 1)[-1]
            value = " ".join((element.findtext(f"{ATOM}content") or "").split())
            if name == "BLOG_NAME" and value:
                export.title = value
            elif name == "BLOG_TIME_ZONE":
                export.timezone = value
            continue
        entry = reader(element)
        if entry is not None:
            export.entries.append(entry)
    return export


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
        # As written (line breaks too): the import cleans it, and says so.
        author=(author.findtext(f"{ATOM}name") or "").strip() if author is not None else "",
        author_uri=(author.findtext(f"{ATOM}uri") or "").strip() if author is not None else "",
        labels=[
            category.get("term", "").strip()
            for category in element.findall(f"{ATOM}category")
            if _is_label(category.get("scheme")) and category.get("term", "").strip()
        ],
    )
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel") == "alternate" and link.get("href"):
            entry.path = urlsplit(link.get("href")).path
    return entry


def _is_label(scheme: str | None) -> bool:
    return scheme in (LABEL_SCHEME, None) or bool(TAKEOUT_LABEL_SCHEME.match(scheme))


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


def _read_takeout(element: Element) -> Entry | None:
    kind = _child_text(element, "type").lower()
    if kind not in ("post", "page", "comment"):
        return None
    entry = _common(element, kind)
    # Takeout escapes a title once more than the XML needs (`I&amp;#39;m`).
    entry.title = html.unescape(entry.title)
    status = _child_text(element, "status").upper()
    # EMPTIED is a comment whose text was deleted.
    names = {
        "LIVE": LIVE,
        "SCHEDULED": SCHEDULED,
        "DRAFT": DRAFT,
        "SOFT_TRASHED": "trashed",
        "EMPTIED": "deleted",
    }
    entry.status = names.get(status, status.lower() or LIVE)
    filename = _child_text(element, "filename")
    if filename:
        entry.path = urlsplit(filename).path
    entry.description = " ".join(_child_text(element, "metaDescription").split())
    reply_to = _child_text(element, "inReplyTo")
    if reply_to:
        entry.parent_refs.append(reply_to)
    parent = _child_text(element, "parent")
    if parent:
        entry.parent_refs.append(parent)
    return entry
