"""What the e-mail of a post needs, taken from the built post: its identity, title, date,
address, text (summary or whole post, as HTML without images, and as plain text) and its
first photo as a link.

The e-mail loads nothing: every image becomes a link to the photo, every link is absolute,
and the HTML is sanitized with nh3 to the tags a mail client shows well.
"""

from typing import Any
from urllib.parse import urljoin

import lxml.html
import nh3
from markdownify import markdownify
from markupsafe import Markup

EMAIL_TAGS = {
    "p", "br", "em", "strong", "b", "i", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
    "pre", "code", "hr", "sup", "sub", "figure", "figcaption",
}  # fmt: skip
EMAIL_ATTRIBUTES = {"a": {"href"}}
# Metadata that keeps a post from e-mail: `Email: no`.
KEEP_FROM_EMAIL = ("no", "false", "off", "never")


def identity(article: Any) -> str:
    """A post's identity between builds: its source file inside the content folder, which
    stays the same when its slug, address or date change."""
    return article.relative_source_path.replace("\\", "/")


def sent_by_email(article: Any) -> bool:
    return str(article.metadata.get("email", "yes")).strip().lower() not in KEEP_FROM_EMAIL


def _photos_as_links(tree: lxml.html.HtmlElement, base: str) -> str | None:
    """Each image becomes a link to it (its text: the image's description); returns the
    first photo's address."""
    first = None
    for picture in list(tree.iter("picture")):
        for source in picture.findall("source"):
            picture.remove(source)
        picture.drop_tag()
    for image in list(tree.iter("img")):
        src = urljoin(base, image.get("src", ""))
        first = first or src
        link = lxml.html.Element("a", href=src)
        link.text = f"Photo: {image.get('alt') or 'open the photo'}"
        link.tail = image.tail
        image.getparent().replace(image, link)
    return first


def email_fields(article: Any, site_url: str, content: str) -> dict[str, Any]:
    """The post as its e-mail shows it; `content` is "summary" or "full"."""
    base = f"{site_url.rstrip('/')}/{article.url}" if site_url else article.url
    source = article.content if content == "full" else article.summary
    tree = lxml.html.fragment_fromstring(f"<div>{source or ''}</div>")
    whole = lxml.html.fragment_fromstring(f"<div>{article.content or ''}</div>")
    if site_url:
        tree.make_links_absolute(base)
        whole.make_links_absolute(base)
    _photos_as_links(tree, base)
    photo = _photos_as_links(whole, base)
    html = nh3.clean(
        lxml.html.tostring(tree, encoding="unicode"),
        tags=EMAIL_TAGS,
        attributes=EMAIL_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    return {
        "id": identity(article),
        "url": article.url,
        "save_as": article.save_as,
        "title": Markup(article.title).striptags(),
        "date": article.date.isoformat(),
        "html": html,
        "text": markdownify(html, heading_style="ATX").strip(),
        "photo": photo,
        "full": content == "full",
        "email": sent_by_email(article),
    }
