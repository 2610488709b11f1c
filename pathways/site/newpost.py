"""Create the Markdown file of a new draft post with complete front matter."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from pathways.plugin_support import blog_timezone

POST_TEMPLATE = """\
Title: {title}
Date: {date}
Slug: {slug}
Tags: {tags}
Summary: {summary}
Status: draft

Write your post here. Keep `Status: draft` until it is ready: drafts show in the
preview (`make devserver`) and never on the published site.
"""


def placeholder_summary(title: str) -> str:
    """The summary a new post starts with, for the writer to replace."""
    return f"A few words about {title}."


def create_post(
    title: str,
    settings: dict,
    *,
    tags: str = "",
    summary: str = "",
    now: datetime | None = None,
) -> Path:
    """Write `<content>/posts/<slug>.md` for `title`; never overwrites an existing file."""
    title = " ".join(title.split())
    if not title:
        raise ValueError("a post needs a title")
    slug = slugify(title, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    if not slug:
        raise ValueError(f"cannot make a URL slug from the title {title!r}")
    moment = now or datetime.now(ZoneInfo(blog_timezone(settings)))
    posts = Path(settings["PATH"]) / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    path = posts / f"{slug}.md"
    text = POST_TEMPLATE.format(
        title=title,
        date=moment.isoformat(sep=" ", timespec="minutes"),
        slug=slug,
        tags=tags,
        summary=summary or placeholder_summary(title),
    )
    with path.open("x", encoding="utf-8") as post:
        post.write(text)
    return path
