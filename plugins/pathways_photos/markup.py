"""A post's images written for fast pages: `<picture>` with smaller copies, dimensions from
the file, lazy loading after the first image, and a plain link to the largest copy.

A post's HTML comes from Markdown, so its `<img>` tags are found by their shape and only
they are rewritten; the rest of the post is left byte for byte as it was. (Parsing every
post into a tree and writing it out again cost more than converting its Markdown.)
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape

# How wide a photo is shown: the text column on wide screens (`--measure` in
# theme/static/css/style.css: 55ch, 34 to 39rem depending on the font), or the screen less the
# page's margins on phones.
SIZES = "(min-width: 42rem) 39rem, calc(100vw - 2.5rem)"
# The first image gets fetched first when no more than this many words come before it in the
# post: it is then the largest thing on the first screen.
FIRST_SCREEN_WORDS = 50
# The copy named in `src`, for browsers that read neither `srcset` nor `<picture>`.
PLAIN_WIDTH = 800
MIME = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}

IMAGE = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
ATTRIBUTE = re.compile(
    r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""", re.DOTALL
)
TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
LINK_OPEN = re.compile(r"<a[\s>]", re.IGNORECASE)
LINK_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)


@dataclass
class Picture:
    """What the build knows of one image a post uses: its size, and, for resized photos, where
    the smaller copies are (`base` + `-<width>.<format>`) and which widths and formats exist."""

    width: int
    height: int
    base: str = ""
    widths: list[int] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)

    def srcset(self, kind: str) -> str:
        return ", ".join(f"{self.base}-{width}.{kind} {width}w" for width in self.widths)


def rewrite(html: str, pictures: dict[str, Picture]) -> str:
    """`html` with each image written as the build knows it (`pictures`, by `src`)."""
    images = list(IMAGE.finditer(html))
    if not images:
        return html
    parts, done = [], 0
    for position, image in enumerate(images):
        attributes = _attributes(image.group(0))
        picture = pictures.get(attributes.get("src") or "")
        before = html[: image.start()]
        if position == 0:
            if picture and picture.widths and _words(before) <= FIRST_SCREEN_WORDS:
                attributes["fetchpriority"] = "high"
        else:
            attributes["loading"] = "lazy"
            attributes["decoding"] = "async"
        written = None
        if picture is not None:
            attributes["width"], attributes["height"] = str(picture.width), str(picture.height)
            # A photo without a description keeps its own address, so that the site check
            # names the file written in the post until the writer describes it.
            if picture.widths and attributes.get("alt"):
                written = _as_picture(attributes, picture, linked=_inside_link(before))
        parts += [html[done : image.start()], written or _tag("img", attributes)]
        done = image.end()
    parts.append(html[done:])
    return "".join(parts)


def image_sources(html: str) -> list[str]:
    """The `src` of every image in `html`, in order."""
    return [_attributes(image.group(0)).get("src") or "" for image in IMAGE.finditer(html)]


def _attributes(tag: str) -> dict[str, str | None]:
    """An `<img …>` tag's attributes, values unescaped, in order (None for a bare name)."""
    inside = tag[len("<img") :].rstrip(">").rstrip("/")
    attributes: dict[str, str | None] = {}
    for match in ATTRIBUTE.finditer(inside):
        name, *values = match.groups()
        value = next((v for v in values if v is not None), None)
        attributes.setdefault(name.lower(), None if value is None else unescape(value))
    return attributes


def _tag(name: str, attributes: dict[str, str | None]) -> str:
    written = "".join(
        f" {key}" if value is None else f' {key}="{escape(value)}"'
        for key, value in attributes.items()
    )
    return f"<{name}{written}>"


def _words(html: str) -> int:
    return len(unescape(TAG.sub(" ", html)).split())


def _inside_link(before: str) -> bool:
    return len(LINK_OPEN.findall(before)) > len(LINK_CLOSE.findall(before))


def _as_picture(attributes: dict[str, str | None], picture: Picture, *, linked: bool) -> str:
    fallback = picture.formats[-1]
    plain = min(picture.widths, key=lambda width: abs(width - PLAIN_WIDTH))
    sources = "".join(
        _tag("source", {"type": MIME[kind], "srcset": picture.srcset(kind), "sizes": SIZES})
        for kind in picture.formats[:-1]
    )
    attributes["src"] = f"{picture.base}-{plain}.{fallback}"
    attributes["srcset"] = picture.srcset(fallback)
    attributes["sizes"] = SIZES
    element = f"<picture>{sources}{_tag('img', attributes)}</picture>"
    if linked:
        return element
    # A tap opens the largest copy in the lightest format, not the original (megabytes).
    largest = f"{picture.base}-{max(picture.widths)}.{picture.formats[0]}"
    return f"{_tag('a', {'href': largest, 'class': 'photo-link'})}{element}</a>"
