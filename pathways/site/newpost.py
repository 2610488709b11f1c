"""Create the Markdown file of a new draft post, or of a new page, with complete front matter."""

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


PAGE_TEMPLATE = """\
Title: {title}
Slug: {slug}
Summary: {summary}
Status: draft

Write your page here. A page (About, Contact …) has no date and is not in the archive or the
feeds; once published it is in the site's menu, at /{slug}/. Keep `Status: draft` until it is
ready: the preview shows it at /drafts/pages/{slug}.html, the published site does not. Write
`Status: hidden` instead to publish it without a place in the menu.
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
    title, slug = _title_and_slug(title, settings, "post")
    moment = now or datetime.now(ZoneInfo(blog_timezone(settings)))
    text = POST_TEMPLATE.format(
        title=title,
        date=moment.isoformat(sep=" ", timespec="minutes"),
        slug=slug,
        tags=tags,
        summary=summary or placeholder_summary(title),
    )
    return _write_new(Path(settings["PATH"]) / "posts" / f"{slug}.md", text)


def create_page(title: str, settings: dict, *, summary: str = "") -> Path:
    """Write `<content>/pages/<slug>.md` for `title`, a draft; never overwrites a file."""
    title, slug = _title_and_slug(title, settings, "page")
    text = PAGE_TEMPLATE.format(
        title=title, slug=slug, summary=summary or placeholder_summary(title)
    )
    return _write_new(Path(settings["PATH"]) / "pages" / f"{slug}.md", text)


def _title_and_slug(title: str, settings: dict, kind: str) -> tuple[str, str]:
    title = " ".join(title.split())
    if not title:
        raise ValueError(f"a {kind} needs a title")
    slug = slugify(title, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    if not slug:
        raise ValueError(f"cannot make a URL slug from the title {title!r}")
    return title, slug


def _write_new(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as new:
        new.write(text)
    return path
