"""Turn Blogger's HTML into clean Markdown, safely.

The HTML is sanitised first (nh3): no scripts, styles, handlers or unsafe URLs survive, and
Blogger's wrapper `div`s, inline styles and empty spans go. Embedded videos become plain
links, so the site still loads nothing from other websites. Markdown comes from markdownify;
what Markdown cannot say (sub- and superscript, underline, small print) stays as HTML.
"""

import re
from collections.abc import Callable

import nh3
from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

SAFE_TAGS = {
    "p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "em", "i", "strong", "b", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "sub", "sup", "u", "s", "del", "ins",
    "small", "mark", "kbd", "abbr", "figure", "figcaption",
}  # fmt: skip
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "abbr": {"title"}}
SAFE_SCHEMES = {"http", "https", "mailto"}
KEPT_AS_HTML = ("sub", "sup", "u", "small", "mark", "kbd", "abbr", "ins")
EMBEDS = ("iframe", "embed", "object", "video", "audio")
BLOCKS = ["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th"]
YOUTUBE_EMBED = re.compile(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)")


class _Converter(MarkdownConverter):
    """markdownify, keeping the inline elements Markdown has no syntax for as HTML."""

    def convert_sub(self, el, text, **options):
        return _as_html(el, text)

    convert_sup = convert_u = convert_small = convert_mark = convert_sub
    convert_kbd = convert_abbr = convert_ins = convert_sub


def _as_html(el, text: str) -> str:
    if not text.strip():
        return text
    title = el.get("title")
    attribute = f' title="{nh3.clean_text(title)}"' if el.name == "abbr" and title else ""
    return f"<{el.name}{attribute}>{text}</{el.name}>"


def _links_for_embeds(html: str) -> str:
    """A video or other embed becomes a paragraph with a plain link to it."""
    lowered = html.lower()
    if not any(f"<{tag}" in lowered for tag in EMBEDS):
        return html
    soup = BeautifulSoup(html, "html.parser")
    for embed in soup.find_all(EMBEDS):
        source = embed.get("src") or embed.get("data") or ""
        if source.startswith("//"):
            source = "https:" + source
        video = YOUTUBE_EMBED.match(source)
        if video:
            source = f"https://www.youtube.com/watch?v={video.group(1)}"
        if source.startswith(("http://", "https://")):
            paragraph = soup.new_tag("p")
            link = soup.new_tag("a", href=source)
            link.string = f"Watch on {source.split('/')[2]}"
            paragraph.append(link)
            embed.replace_with(paragraph)
        else:
            embed.decompose()
    return str(soup)


def convert(html: str, rewrite_url: Callable[[str], str] | None = None) -> str:
    """Markdown for a Blogger post or comment body; `rewrite_url` may change image and link
    targets (used to point at downloaded images)."""
    clean = nh3.clean(
        _links_for_embeds(html),
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        strip_comments=True,
        link_rel=None,
    )
    soup = BeautifulSoup(clean, "lxml")
    if rewrite_url is not None:
        for image in soup.find_all("img", src=True):
            image["src"] = rewrite_url(image["src"])
        for link in soup.find_all("a", href=True):
            link["href"] = rewrite_url(link["href"])
    markdown = _Converter(heading_style="ATX", bullets="-", escape_misc=False).convert_soup(soup)
    lines = [line.rstrip() if not line.endswith("  ") else line for line in markdown.splitlines()]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def image_urls(html: str) -> list[str]:
    """Every image address in the HTML: `img` sources and links straight to image files."""
    if "<img" not in html.lower():
        return []
    soup = BeautifulSoup(html, "lxml")
    urls = [image["src"] for image in soup.find_all("img", src=True)]
    for link in soup.find_all("a", href=True):
        if link.find("img") is not None:
            urls.append(link["href"])
    return list(dict.fromkeys(urls))


def plain_text(html: str, limit: int = 300) -> str:
    """The text of the first paragraphs, up to `limit` characters, for a summary."""
    soup = BeautifulSoup(html, "lxml")
    for line_break in soup.find_all("br"):
        line_break.replace_with(" ")
    blocks = soup.find_all(BLOCKS) or [soup]
    pieces = [" ".join(block.get_text("").split()) for block in blocks if not block.find(BLOCKS)]
    text = " ".join(piece for piece in pieces if piece)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
