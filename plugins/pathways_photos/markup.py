"""A post's images written for fast pages: `<picture>` with smaller copies, dimensions from
the file, lazy loading after the first image, and a plain link to the full size."""

from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

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
    soup = BeautifulSoup(html, "html.parser")
    images = soup.find_all("img")
    if not images:
        return html
    for position, image in enumerate(images):
        picture = pictures.get(image.get("src", ""))
        if position == 0:
            if picture and picture.widths and _words_before(image) <= FIRST_SCREEN_WORDS:
                image["fetchpriority"] = "high"
        else:
            image["loading"] = "lazy"
            image["decoding"] = "async"
        if picture is None:
            continue
        image["width"], image["height"] = str(picture.width), str(picture.height)
        # A photo without a description keeps its own address, so that the site check names
        # the file the writer used (and the line in her post) until she describes it.
        if picture.widths and image.get("alt"):
            _as_picture(soup, image, picture)
    return str(soup)


def _words_before(image: Tag) -> int:
    return sum(len(text.split()) for text in image.find_all_previous(string=True))


def _as_picture(soup: BeautifulSoup, image: Tag, picture: Picture) -> None:
    full = image["src"]
    fallback = picture.formats[-1]
    plain = min(picture.widths, key=lambda width: abs(width - PLAIN_WIDTH))
    element = soup.new_tag("picture")
    for kind in picture.formats[:-1]:
        element.append(
            soup.new_tag(
                "source", attrs={"type": MIME[kind], "srcset": picture.srcset(kind), "sizes": SIZES}
            )
        )
    image["src"] = f"{picture.base}-{plain}.{fallback}"
    image["srcset"] = picture.srcset(fallback)
    image["sizes"] = SIZES
    image.replace_with(element)
    element.append(image)
    if not element.find_parent("a"):
        link = soup.new_tag("a", attrs={"href": full, "class": "photo-link"})
        element.replace_with(link)
        link.append(element)


def image_sources(html: str) -> list[str]:
    """The `src` of every image in `html`, in order."""
    if "<img" not in html:
        return []
    return [img.get("src", "") for img in BeautifulSoup(html, "html.parser").find_all("img")]
