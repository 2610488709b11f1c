"""Blogger blogs made to order: small builders for a test's own blog, and Hypothesis
strategies that draw whole blogs from the export's grammar.

Both write through `tests/blogger_corpus.py`, so one `Blog` gives the classic file and the
Takeout file of the same blog. Every post, page and comment body holds a word of its own
(`token(id)`), so a test can find where an entry ended up, or that it is nowhere.
"""

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from hypothesis import strategies as st

from pathways.blogger.importer import ImportOptions, Report, import_blogger
from tests import blogger_corpus
from tests.blogger_corpus import Blog, Comment, Post

BLOG_URL = "https://writer.blogspot.com"
OWNER = "https://www.blogger.com/profile/999"
ZONE = "America/New_York"
WRITERS = {"classic": blogger_corpus.write_classic, "takeout": blogger_corpus.write_takeout}
FUTURE = datetime(2099, 6, 1, 14, 30, tzinfo=UTC)
LONG = "I have so much to say about this. " * 180  # 6,120 characters


def token(item_id: str) -> str:
    """The word only the entry `item_id` holds."""
    return f"zq{item_id}x"


def make_post(
    item_id: str,
    title: str = "A post",
    *,
    kind: str = "post",
    status: str = "live",
    published: datetime = datetime(2023, 5, 18, 16, 0, tzinfo=UTC),
    path: str | None = None,
    labels: tuple[str, ...] = (),
    body: str = "<p>Text.</p>",
    comments: tuple[Comment, ...] = (),
    description: str | None = None,
) -> Post:
    """A post (or page): `path` defaults to its Blogger address from the title, none for a
    draft; a scheduled post is a draft with its future date in the classic file."""
    if path is None:
        stem = blogger_corpus.blogger_slug(title) if title else "blog-post"
        if kind == "page":
            path = f"/p/{stem}.html"
        else:
            path = "" if status == "draft" else f"/{published:%Y/%m}/{stem}.html"
    return Post(
        id=item_id,
        kind=kind,
        title=title,
        slug=path.rsplit("/", 1)[-1].removesuffix(".html"),
        path=path,
        published=published,
        updated=published,
        draft=status in ("draft", "scheduled"),
        status=status,
        labels=list(labels),
        meta_description=description,
        body_html=body,
        paragraphs=[],
        images=[],
        comments=list(comments),
    )


def make_comment(
    item_id: str,
    body: str = "<p>Thank you.</p>",
    *,
    author: str = "Ana",
    parent: str | None = None,
    status: str = "live",
    published: datetime = datetime(2023, 5, 19, 12, 0, tzinfo=UTC),
    website: str | None = None,
) -> Comment:
    return Comment(
        id=item_id,
        author=author,
        website=website,
        clean_website=blogger_corpus.clean_website(website),
        published=published,
        body_html=body,
        body_text="",
        parent=parent,
        status=status,
    )


def make_blog(*posts: Post) -> Blog:
    return Blog(
        title="Notes",
        author="Writer",
        blog_id="4242",
        posts=list(posts),
        tz=ZONE,
        url=BLOG_URL,
        author_uri=OWNER,
    )


def import_into(content: Path, blog: Blog, fmt: str, **options) -> tuple[Report, str]:
    """Import the blog written in `fmt` into `content`; the report and what it printed."""
    content.mkdir(parents=True, exist_ok=True)
    export = content.parent / f"export-{fmt}.xml"
    export.write_bytes(WRITERS[fmt](blog))
    settings = {"timezone": ZONE, "download_images": False, **options}
    report = import_blogger(export, ImportOptions(content=content, **settings))
    return report, "\n".join(report.lines(False))


def markdown_files(content: Path) -> dict[str, bytes]:
    return {
        path.relative_to(content).as_posix(): path.read_bytes()
        for path in sorted(content.rglob("*.md"))
    }


# --------------------------------------------------------------------------- strategies

# Text as readers and writers type it, with what breaks naive code: markup characters,
# entities, quotes, line breaks and a right-to-left override.
TEXT = st.lists(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
    | st.sampled_from([*"&<>'\"#*_[]\n\u202e", "&amp;", "&#39;", "<b>", "\u00e9"]),
    max_size=16,
).map("".join)
LABELS = ["Long Covid", "long covid", "Tips & tricks", "A/B tests", "santé", "Santé", "rest"]
STEMS = ["notes", "blog-post", "a-day", "retour"]
POST_STATUSES = ["live", "live", "live", "live", "draft", "scheduled", "past", "trashed", "deleted"]
COMMENT_STATUSES = ["live", "live", "live", "live", "deleted", "spam", "pending"]
WEBSITES = [None, "https://ana.example/", "javascript:alert(1)", OWNER, "http://exa mple.com"]


def _moment(draw, year_from: int = 2015) -> datetime:
    return draw(
        st.datetimes(min_value=datetime(year_from, 1, 1), max_value=datetime(2024, 12, 31)).map(
            lambda moment: moment.replace(microsecond=0, tzinfo=UTC)
        )
    )


def _comment_body(draw, item_id: str) -> str:
    kind = draw(st.sampled_from(["text", "text", "long", "image", "script"]))
    words = f"{html.escape(draw(TEXT))} {token(item_id)}"
    if kind == "long":
        return f"<p>{LONG}</p><p>{words}</p>"
    if kind == "image":  # an image alone: the token goes in its description
        source = f"https://blogger.googleusercontent.com/img/a/{item_id}.png"
        return f'<img src="{source}" alt="{token(item_id)}">'
    if kind == "script":
        return f"<script>alert(1)</script>{words}"
    return f"<p>{words}</p>"


@st.composite
def comments(draw, post_id: str, after: datetime) -> list[Comment]:
    """A thread: each comment answers the post or an earlier comment."""
    thread: list[Comment] = []
    for number in range(draw(st.integers(0, 4))):
        item_id = f"{post_id}{number + 1:02d}"
        parent = draw(st.none() | st.sampled_from([c.id for c in thread] or [None]))
        thread.append(
            make_comment(
                item_id,
                _comment_body(draw, item_id),
                author=draw(TEXT),
                parent=parent,
                status=draw(st.sampled_from(COMMENT_STATUSES)),
                published=after + timedelta(hours=number + 1),
                website=draw(st.sampled_from(WEBSITES)),
            )
        )
    return thread


def _body(draw, item_id: str, others: list[Post]) -> str:
    parts = [f"<p>{html.escape(draw(TEXT))} {token(item_id)}</p>"]
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["post", "mobile", "country", "comment", "label", "script"]))
        target = draw(st.sampled_from(others)) if others else None
        if kind == "script":
            parts.append("<script>alert(1)</script>")
        elif kind == "label":
            label = quote(draw(st.sampled_from(LABELS)), safe="")
            parts.append(f'<p><a href="{BLOG_URL}/search/label/{label}">a label</a></p>')
        elif target is not None and target.path:
            address = {
                "post": f"{BLOG_URL}{target.path}",
                "mobile": f"{BLOG_URL}{target.path}?m=1",
                "country": f"https://writer.blogspot.co.uk{target.path}",
                "comment": f"{BLOG_URL}{target.path}?showComment=1#c{target.id}01",
            }[kind]
            parts.append(f'<p>See <a href="{html.escape(address)}">this</a>.</p>')
    return "".join(parts)


@st.composite
def blogs(draw) -> Blog:
    """A small blog: posts of every status (with clashing file names, labels differing in
    case, links to each other), a page, and threads of comments of every status."""
    posts: list[Post] = []
    taken: set[str] = set()
    for number in range(draw(st.integers(1, 4))):
        item_id = f"{number + 1}"
        status = draw(st.sampled_from(POST_STATUSES))
        published = FUTURE if status == "scheduled" else _moment(draw)
        status = "scheduled" if status == "past" else status
        stem = draw(st.sampled_from(STEMS))
        path = "" if status == "draft" else f"/{published:%Y/%m}/{stem}.html"
        if path in taken:
            path = path.replace(".html", f"_{item_id}.html")
        taken.add(path)
        posts.append(
            make_post(
                item_id,
                f"{draw(TEXT)}",
                status=status,
                published=published,
                path=path,
                labels=tuple(draw(st.lists(st.sampled_from(LABELS), max_size=3, unique=True))),
                body=_body(draw, item_id, posts),
                comments=tuple(draw(comments(item_id, published))),
                description=draw(st.none() | TEXT.filter(str.strip)),
            )
        )
    if draw(st.booleans()):
        page_id = "90"
        posts.append(
            make_post(
                page_id,
                draw(TEXT),
                kind="page",
                status=draw(st.sampled_from(["live", "live", "draft"])),
                published=_moment(draw),
                path="/p/about.html",
                body=_body(draw, page_id, posts),
            )
        )
    return make_blog(*posts)
