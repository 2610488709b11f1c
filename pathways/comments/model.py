"""The one model of a comment, shared by the build plugin, the service, the CLI and importers.

A comment is a Markdown file `content/comments/<post-slug>/<comment-id>.md` with
`Key: value` headers (Author, Date, optional Reply-To and Website), a blank line and the
body. This module reads and writes those files, checks fields, makes ids, keeps paths inside
their folder, and renders bodies to safe HTML.
"""

import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import markdown
import nh3

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SLUG_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
MAX_AUTHOR = 80
MAX_WEBSITE = 300
MAX_BODY = 5000
HEADERS = {"author": "Author", "date": "Date", "parent": "Reply-To", "website": "Website"}

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


class CommentError(ValueError):
    """A comment that cannot be accepted as it is; the message says which field and why."""


@dataclass
class Comment:
    """One comment on one post; `replies` is filled when a thread is built."""

    id: str
    post_slug: str
    author: str
    date: datetime
    body: str
    parent: str | None = None
    website: str | None = None
    replies: list["Comment"] = field(default_factory=list)
    depth: int = 0
    html: str = ""

    @property
    def anchor(self) -> str:
        return f"comment-{self.id}"


def new_comment_id(now: datetime | None = None) -> str:
    """Time-ordered and unique enough per post: `20240304T102200-3f9a1c`."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def is_valid_id(value: str) -> bool:
    return bool(ID_PATTERN.fullmatch(value))


def is_valid_slug(value: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(value)) and ".." not in value


def clean_line(value: str) -> str:
    """One line of plain text: control characters dropped, whitespace collapsed."""
    if not value.isprintable():
        value = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(value.split())


def clean_body(value: str) -> str:
    """Body text with normalised newlines and no control characters but line breaks and tabs."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if not text.replace("\n", "").replace("\t", "").isprintable():
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def check_website(value: str) -> str | None:
    """An http(s) address or nothing; anything else is refused."""
    value = clean_line(value)
    if not value:
        return None
    if len(value) > MAX_WEBSITE:
        raise CommentError(f"Website: longer than {MAX_WEBSITE} characters")
    if not re.match(r"https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise CommentError("Website: must be an address starting with http:// or https://")
    return value


def make_comment(
    *,
    post_slug: str,
    author: str,
    body: str,
    date: datetime | None = None,
    parent: str | None = None,
    website: str | None = None,
    comment_id: str | None = None,
) -> Comment:
    """A checked comment from untrusted fields; raises CommentError naming the field."""
    if not is_valid_slug(post_slug):
        raise CommentError("Post: not a valid post")
    author = clean_line(author)
    if not author:
        raise CommentError("Author: required")
    if len(author) > MAX_AUTHOR:
        raise CommentError(f"Author: longer than {MAX_AUTHOR} characters")
    body = clean_body(body)
    if not body:
        raise CommentError("Comment: required")
    if len(body) > MAX_BODY:
        raise CommentError(f"Comment: longer than {MAX_BODY} characters")
    parent = clean_line(parent or "") or None
    if parent is not None and not is_valid_id(parent):
        raise CommentError("Reply-To: not a valid comment id")
    comment_id = comment_id or new_comment_id(date)
    if not is_valid_id(comment_id):
        raise CommentError("Id: not a valid comment id")
    date = date or datetime.now(UTC)
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return Comment(
        id=comment_id,
        post_slug=post_slug,
        author=author,
        date=date,
        body=body,
        parent=parent,
        website=check_website(website or ""),
    )


def parse_comment(text: str, *, post_slug: str, comment_id: str) -> Comment:
    """A comment from the text of its file; raises CommentError naming what is wrong."""
    header, _, body = text.replace("\r\n", "\n").partition("\n\n")
    fields: dict[str, str] = {}
    names = {label.lower(): key for key, label in HEADERS.items()}
    for line in header.splitlines():
        label, colon, value = line.partition(":")
        key = names.get(label.strip().lower())
        if not colon or key is None:
            raise CommentError(f"unknown header line {line.strip()[:40]!r}")
        fields[key] = value.strip()
    if "date" not in fields:
        raise CommentError("Date: required")
    try:
        date = datetime.fromisoformat(fields["date"])
    except ValueError:
        raise CommentError(f"Date: {fields['date']!r} is not an ISO date") from None
    return make_comment(
        post_slug=post_slug,
        author=fields.get("author", ""),
        body=body,
        date=date,
        parent=fields.get("parent"),
        website=fields.get("website"),
        comment_id=comment_id,
    )


def format_comment(comment: Comment) -> str:
    """The text of a comment file; the inverse of `parse_comment`."""
    lines = [f"Author: {comment.author}", f"Date: {comment.date.isoformat()}"]
    if comment.parent:
        lines.append(f"Reply-To: {comment.parent}")
    if comment.website:
        lines.append(f"Website: {comment.website}")
    return "\n".join(lines) + "\n\n" + comment.body + "\n"


def comment_path(comments_root: Path, post_slug: str, comment_id: str) -> Path:
    """Where a comment's file lives; refuses anything that would leave `comments_root`."""
    if not is_valid_slug(post_slug) or not is_valid_id(comment_id):
        raise CommentError("not a valid post slug or comment id")
    root = comments_root.resolve()
    path = (root / post_slug / f"{comment_id}.md").resolve()
    if root not in path.parents:
        raise CommentError("comment path leaves the comments folder")
    return path


def write_comment_file(comments_root: Path, comment: Comment) -> Path:
    """Write the comment's file atomically; never overwrites an existing one."""
    path = comment_path(comments_root, comment.post_slug, comment.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".md")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(format_comment(comment))
            stream.flush()
            os.fsync(stream.fileno())
        os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path


class _NoRawHtmlOrImages(markdown.Extension):
    """Commenters' raw HTML is shown as text, and images are not embedded."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        for pattern in ("html", "image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(pattern)


_markdown = markdown.Markdown(extensions=[_NoRawHtmlOrImages(), "fenced_code"])


def render_body(text: str) -> str:
    """Restricted Markdown to HTML, then sanitised: no scripts, handlers or unsafe URLs."""
    _markdown.reset()
    html = _markdown.convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
