"""The one model of a comment, shared by the build plugin, the service, the CLI and importers.

A comment is a Markdown file `content/comments/<post-slug>/<comment-id>.md` with
`Key: value` headers (Author, Date, optional Reply-To and Website), a blank line and the
body. This module reads and writes those files, checks fields, makes ids, keeps paths inside
their folder, and renders bodies to safe HTML.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import nh3
import smartypants

from pathways.files import write_whole

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SLUG_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
MAX_AUTHOR = 80
MAX_WEBSITE = 300
MAX_BODY = 5000
MAX_EMAIL = 254
# The form's fields and their limits in characters, for the service and the theme's form.
FIELD_LIMITS = {"author": MAX_AUTHOR, "email": MAX_EMAIL, "website": MAX_WEBSITE, "body": MAX_BODY}
HEADERS = {
    "author": "Author",
    "date": "Date",
    "parent": "Reply-To",
    "website": "Website",
    "role": "Role",
}
ROLES = ("author",)
# Markdown's link patterns take time that grows with the square of the number of "[" in a
# paragraph; a body with more than this many is rendered without links.
MAX_LINK_BRACKETS = 64
# Bidirectional embeddings, overrides and isolates: in a name they can disguise what follows.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters (Unicode category Cc: NUL, escapes...) and lone surrogates (Cs). Format
# characters such as the zero-width joiner are kept: emoji sequences and Persian and Indic
# text need them.
DANGEROUS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# The same, but line breaks and tabs, which a body keeps.
DANGEROUS_IN_BODY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# A body of paragraphs of plain text: each line starts with a letter or a character beyond
# ASCII, but not a digit or a space (so it starts no list, heading, quote or code), holds no
# character Markdown reads (backslash ` * _ [ ] < > & # ~ | { } ^ @ $, tabs) and ends without
# spaces (no line break). Markdown would make each paragraph a `<p>` with its text unchanged,
# so such a body is not run through it.
PLAIN_LINE = (
    r"(?![\d\s])[^\x00-\x40\x5b-\x60\x7b-\x7f]"
    r"(?:[^\s\x00-\x1f\x7f\\`*_\[\]<>&#~|{}^@$]| )*(?<! )"
)
PLAIN_PARAGRAPH = rf"{PLAIN_LINE}(?:\n{PLAIN_LINE})*"
PLAIN_BODY = re.compile(rf"{PLAIN_PARAGRAPH}(?:\n\n+{PLAIN_PARAGRAPH})*")
PARAGRAPH_BREAK = re.compile(r"\n\n+")

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
    role: str | None = None
    replies: list["Comment"] = field(default_factory=list)
    depth: int = 0
    html: str = ""

    @property
    def anchor(self) -> str:
        return f"comment-{self.id}"


def new_comment_id(now: datetime | None = None) -> str:
    """Time-ordered, with 32 random bits: `20240304T102200-3f9a1c07`. The store makes an id
    that is already taken unique before it is kept."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


def now_in_seconds() -> datetime:
    """The current time in UTC, whole seconds (a comment's `Date:`)."""
    return datetime.now(UTC).replace(microsecond=0)


def is_valid_id(value: str) -> bool:
    return bool(ID_PATTERN.fullmatch(value))


def is_valid_slug(value: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(value)) and ".." not in value


def clean_line(value: str) -> str:
    """One line of plain text (a name): control characters and bidirectional overrides
    dropped, whitespace collapsed."""
    value = DANGEROUS.sub(" ", "".join(ch for ch in value if ch not in BIDI_CONTROLS))
    return " ".join(value.split())


def clean_body(value: str) -> str:
    """Body text with normalised newlines and no control characters but line breaks and tabs."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return DANGEROUS_IN_BODY.sub("", text).strip()


def check_website(value: str) -> str | None:
    """An http(s) address of a named host or nothing; anything else is refused."""
    value = clean_line(value)
    if not value:
        return None
    if len(value) > MAX_WEBSITE:
        raise CommentError(f"Website: longer than {MAX_WEBSITE} characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        host = None
    if parts.scheme.lower() not in ("http", "https") or not host or " " in value:
        raise CommentError("Website: must be an address starting with http:// or https://")
    if "@" in parts.netloc:
        raise CommentError("Website: an address with a name and @ before the host is not allowed")
    return value


# No spaces, brackets, quotes nor control characters (ESC, BEL, C1: terminal sequences).
_PART = r"[^@\s<>\"\x00-\x1f\x7f-\x9f]+"
EMAIL = rf"{_PART}@{_PART}\.{_PART}"


def check_email(value: str) -> str | None:
    """An e-mail address (kept for the writer only) or nothing."""
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_EMAIL or not re.fullmatch(EMAIL, value):
        raise CommentError("Email: not a valid address (or leave it empty)")
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
    role: str | None = None,
    max_body: int | None = MAX_BODY,
) -> Comment:
    """A checked comment from untrusted fields; raises CommentError naming the field.
    `max_body` is the comment form's limit; None for a comment already kept (its file, an
    import), whatever its length."""
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
    if max_body is not None and len(body) > max_body:
        raise CommentError(f"Comment: longer than {max_body} characters")
    parent = clean_line(parent or "") or None
    if parent is not None and not is_valid_id(parent):
        raise CommentError("Reply-To: not a valid comment id")
    if role is not None and role not in ROLES:
        raise CommentError(f"Role: {role!r} is not one of {', '.join(ROLES)}")
    comment_id = comment_id or new_comment_id(date)
    if not is_valid_id(comment_id):
        raise CommentError("Id: not a valid comment id")
    date = date or now_in_seconds()
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
        role=role,
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
        role=fields.get("role") or None,
        max_body=None,
    )


def format_comment(comment: Comment) -> str:
    """The text of a comment file; the inverse of `parse_comment`."""
    lines = [f"Author: {comment.author}", f"Date: {comment.date.isoformat(timespec='seconds')}"]
    if comment.parent:
        lines.append(f"Reply-To: {comment.parent}")
    if comment.website:
        lines.append(f"Website: {comment.website}")
    if comment.role:
        lines.append(f"Role: {comment.role}")
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
    write_whole(path, format_comment(comment))
    return path


class _NoRawHtmlOrImages(markdown.Extension):
    """Commenters' raw HTML is shown as text, and images are not embedded."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        for pattern in ("html", "image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(pattern)


class _NoLinks(markdown.Extension):
    """For bodies with very many "[": links are left as text, so the work stays bounded."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        for pattern in ("link", "reference", "short_reference"):
            md.inlinePatterns.deregister(pattern)


_markdown = markdown.Markdown(extensions=[_NoRawHtmlOrImages(), "fenced_code"])
_markdown_without_links = markdown.Markdown(
    extensions=[_NoRawHtmlOrImages(), _NoLinks(), "fenced_code"]
)


def markdown_html(text: str) -> str:
    """A body's restricted Markdown as HTML, not yet sanitised."""
    if PLAIN_BODY.fullmatch(text):
        return "\n".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPH_BREAK.split(text))
    converter = _markdown if text.count("[") <= MAX_LINK_BRACKETS else _markdown_without_links
    converter.reset()
    return converter.convert(text)


# Curly quotes, dashes and ellipses, as in the posts' text (never inside code).
TYPOGRAPHY = smartypants.Attr.set1 | smartypants.Attr.w


def render_body(text: str) -> str:
    """Restricted Markdown to HTML, then sanitised: no scripts, handlers or unsafe URLs; then
    typographic quotes, dashes and ellipses."""
    clean = nh3.clean(
        markdown_html(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return smartypants.smartypants(clean, TYPOGRAPHY)


def shows_as_empty(text: str) -> bool:
    """Whether a body renders to no visible words (only `---`, only an empty list...)."""
    return not nh3.clean(render_body(text), tags=set()).strip()
