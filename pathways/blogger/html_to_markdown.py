"""Turn Blogger's HTML into clean Markdown, safely.

The HTML is sanitised first (nh3): no scripts, styles, handlers or unsafe URLs survive, and
Blogger's wrapper `div`s, inline styles and empty spans go. Embedded videos become plain
links, so the site still loads nothing from other websites. Blogger's photo blocks (a
thumbnail wrapped in a link to the original, or a caption table) become a plain image of the
original followed by its caption; headings move up so the first level is `##` (the page's
title is the only `#`). Markdown comes from markdownify; what Markdown cannot say (sub- and
superscript, underline, small print) stays as HTML.
"""

import re
from collections.abc import Callable

import nh3
from bs4 import BeautifulSoup, Tag
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


ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


def inert(text: str) -> str:
    """Text that Markdown shows as written: `<` and entity-like `&` cannot become HTML."""
    return ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")


class _Converter(MarkdownConverter):
    """markdownify, keeping the inline elements Markdown has no syntax for as HTML, and text
    that looks like HTML as text."""

    def escape(self, text, parent_tags):
        return inert(super().escape(text, parent_tags))

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


def _captions_as_paragraphs(html: str) -> str:
    """Blogger's caption table (an image cell above a caption cell) becomes the image and an
    emphasised caption paragraph."""
    if "tr-caption-container" not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for table in soup.find_all("table", class_="tr-caption-container"):
        replacement = []
        for image in table.find_all("img"):
            paragraph = soup.new_tag("p")
            paragraph.append(image.parent if image.parent.name == "a" else image)
            replacement.append(paragraph)
        for cell in table.find_all("td", class_="tr-caption"):
            text = " ".join(cell.get_text(" ").split())
            if text:
                paragraph = soup.new_tag("p", attrs={"class": "caption"})
                emphasis = soup.new_tag("em")
                emphasis.string = text
                paragraph.append(emphasis)
                replacement.append(paragraph)
        table.replace_with(*replacement)
    return str(soup)


def photo_links(soup: BeautifulSoup) -> list[tuple[Tag, str | None]]:
    """Every image with the address of the link around it, when that link holds nothing but
    the image (Blogger's thumbnail linking to its original)."""
    photos = []
    for image in soup.find_all("img", src=True):
        link = image.parent
        alone = link is not None and link.name == "a" and link.get("href")
        if alone and not link.get_text(strip=True) and len(link.find_all("img")) == 1:
            photos.append((image, link["href"]))
        else:
            photos.append((image, None))
    return photos


def _shift_headings(soup: BeautifulSoup) -> None:
    """Headings keep their order but start at level 2, under the page's own title."""
    headings = soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])
    if not headings:
        return
    shift = min(int(heading.name[1]) for heading in headings) - 2
    for heading in headings:
        heading.name = f"h{min(6, max(2, int(heading.name[1]) - shift))}"


def _tidy(markdown: str) -> str:
    """Blank lines for runs of line breaks, no trailing spaces but hard breaks, no runs of
    blank lines."""
    lines = [line if line.strip() else "" for line in markdown.splitlines()]
    tidy = []
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        keep_break = line.endswith("  ") and following
        tidy.append(line.rstrip() + ("  " if keep_break else ""))
    text = "\n".join(tidy).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


Photo = Callable[[str, str | None], tuple[str, bool] | None]
Link = Callable[[str], str | None]


def convert(html: str, photo: Photo | None = None, relink: Link | None = None) -> str:
    """Markdown for a Blogger post or comment body. `photo(src, link)` says what to show for
    an image (`link`: the address the image alone links to, if any): its new address and
    whether the link goes (it only led to the photo itself), or None to leave both as they
    are. `relink(href)` gives a link's new address (a post of the same blog), or None."""
    clean = nh3.clean(
        _captions_as_paragraphs(_links_for_embeds(html)),
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        strip_comments=True,
        link_rel=None,
    )
    soup = BeautifulSoup(clean, "lxml")
    if photo is not None:
        for image, link in photo_links(soup):
            shown = photo(image["src"], link)
            if shown is None:
                continue
            image["src"], unlink = shown
            if unlink:
                image.parent.replace_with(image)
    if relink is not None:
        for anchor in soup.find_all("a", href=True):
            anchor["href"] = relink(anchor["href"]) or anchor["href"]
    if "<h" in clean:
        _shift_headings(soup)
    markdown = _Converter(heading_style="ATX", bullets="-", escape_misc=False).convert_soup(soup)
    return _tidy(markdown)


def images_as_links(html: str) -> str:
    """The HTML with each image as a link to it (`Image: <its description>`), or, inside a
    link, as that text: comments show no images (a reader's comment could load anything).
    An image without a web address is left out (its description kept)."""
    if "<img" not in html.lower():
        return html
    soup = BeautifulSoup(html, "html.parser")
    for image in soup.find_all("img"):
        label = " ".join((image.get("alt") or image.get("title") or "").split())
        text = f"Image: {label}" if label else "Image"
        source = image.get("src") or ""
        if source.startswith(("http://", "https://")) and image.find_parent("a") is None:
            link = soup.new_tag("a", href=source)
            link.string = text
            image.replace_with(link, " ")
        else:
            image.replace_with(f" ({label}) " if label else "")
    return str(soup)


def photos(html: str) -> list[tuple[str, str | None]]:
    """Every image of the HTML as (its address, the address it links to, if any)."""
    if "<img" not in html.lower():
        return []
    soup = BeautifulSoup(_captions_as_paragraphs(html), "lxml")
    return [(image["src"], link) for image, link in photo_links(soup)]


def plain_text(html: str, limit: int = 300) -> str:
    """The text of the first paragraphs (headings and captions left out), up to `limit`
    characters, for a summary."""
    soup = BeautifulSoup(_captions_as_paragraphs(html), "lxml")
    for unwanted in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "script", "style"]):
        unwanted.decompose()
    for caption in soup.find_all("p", class_="caption"):
        caption.decompose()
    for line_break in soup.find_all("br"):
        line_break.replace_with(" ")
    for block in soup.find_all(BLOCKS):
        block.append(" ")
    text = " ".join(soup.get_text("").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
