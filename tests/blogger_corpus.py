"""Synthetic Blogger exports with a truth known by construction.

The module builds one small blog (:func:`make_blog`) and writes it in Blogger's two export
formats, so an importer can be run on either file and its output compared with the truth:

* :func:`write_classic` -- the classic "Settings > Back up content" file (``blog-MM-DD-YYYY.xml``):
  an Atom feed whose entries are told apart by
  ``<category scheme='http://schemas.google.com/g/2005#kind'
  term='http://schemas.google.com/blogger/2008/kind#post|comment|page|settings|template'/>``.
  Times carry the blog's local offset (``2022-03-12T21:40:12.345-05:00``). Drafts carry
  ``<app:control xmlns:app='http://purl.org/atom/app#'><app:draft>yes</app:draft></app:control>``.
  Comments point at their post with ``thr:in-reply-to ref=<post entry id>``; a reply also has
  ``<link rel='related' href='https://www.blogger.com/feeds/<blog>/<post>/comments/default/<parent>'/>``.
  A removed comment is still exported: its content reads "This comment has been removed by the
  author." (or "... by a blog administrator."), its title is empty and it has
  ``<gd:extendedProperty name='blogger.contentRemoved' value='true'/>``.
* :func:`write_takeout` -- the Google Takeout ``Blogger/Blogs/<name>/feed.atom`` ("2018 schema",
  namespace ``http://schemas.google.com/blogger/2018``): ``blogger:type`` POST|PAGE|COMMENT,
  ``blogger:status`` LIVE|DRAFT|DELETED|SOFT_TRASHED, ``blogger:filename``, ``blogger:parent``
  (post entry id) and ``blogger:inReplyTo`` (parent comment entry id, empty element for top-level
  comments), ``blogger:metaDescription``, ``blogger:created``, and ``blogger:trashed`` (an empty
  element on entries that are not trashed). Times are UTC (``2022-03-13T02:40:12.345Z``; the
  fraction is left out when it is zero, as in the real files).

Both files describe the SAME blog. Differences, all by design:

* Only Takeout carries ``metaDescription``, ``blogger:created``, the DELETED and SOFT_TRASHED
  posts (and the comments on them). The classic file simply lacks those posts.
* Only the classic file carries the settings entries (``BLOG_TIME_ZONE`` = America/New_York,
  ...), the template entry, ``thr:total``, ``media:thumbnail`` (an ``s72-c`` thumbnail that is
  NOT one of the post's images) and the post's public URL (``link rel='alternate'``); Takeout has
  the path only (``blogger:filename``).

Truth conventions (what an importer should produce, whichever file it read):

* ``Post.path``/``Post.slug`` come from the Blogger URL; a never-published draft has no URL, so
  both are ``""``. The path's year/month are the blog's LOCAL date (a post at 22:15 local on
  March 31 is ``/2022/03/...`` although it is April 1 in UTC). Slugs are not re-derivable from
  titles (untitled posts are ``blog-post`` and ``blog-post_24``; accents and apostrophes dropped;
  long titles cut; the about page is ``/p/about.html``).
* ``Post.paragraphs`` lists the visible text blocks in reading order: each ``<p>``, ``<div>`` line,
  heading, list item and image caption is one block; in old-editor bodies two or more ``<br />``
  in a row end a block. Text is normalised: entities decoded (``&nbsp;`` is a space), whitespace
  runs collapsed to one space, each line stripped; a single ``<br />`` inside a block is ``"\\n"``.
  Images contribute nothing; blocks with no visible text are omitted. ``Comment.body_text`` uses
  the same normalisation with every ``<br />`` as ``"\\n"``.
* ``Post.images`` in body order: ``thumb_url`` is the ``<img src>``; ``original_url`` is the
  ``<a href>`` around it, or for an image not wrapped in a link the same URL with its size
  segment (``w640-h480``) replaced by ``s0`` (Blogger's "original size").
* ``Comment.website`` is the raw ``author/uri``; ``clean_website`` keeps it only if it is an
  absolute http(s) URL with a host, no whitespace and no ``user@`` part, else ``None``.
  ``Comment.author`` is the raw name (it may hold ``<script>`` or U+202E): escape it, keep it.
* ``status``: posts ``live|draft|scheduled|deleted|trashed``; comments
  ``live|deleted|spam|pending``. Only live posts and pages are published; only live comments
  of published posts are shown.

:func:`image_bytes` returns a deterministic JPEG (or PNG for ``.png``) for any image URL whose
pixel size depends on the size segment, so a test can tell a downloaded original (``s0``: 96x72,
``s1600`` or larger: 80x60) from a thumbnail (``s320``/``w400-h300``: 16x12).
"""

import hashlib
import html
import random
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import urlsplit

__all__ = [
    "Blog",
    "Comment",
    "Image",
    "Post",
    "clean_website",
    "image_bytes",
    "make_blog",
    "write_classic",
    "write_takeout",
]

ATOM_NS = "http://www.w3.org/2005/Atom"
APP_NS = "http://purl.org/atom/app#"
GD_NS = "http://schemas.google.com/g/2005"
THR_NS = "http://purl.org/syndication/thread/1.0"
BLOGGER_2018_NS = "http://schemas.google.com/blogger/2018"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
NOREPLY = "noreply@blogger.com"
MIN_POSTS = 8

REMOVED_BY_AUTHOR = "This comment has been removed by the author."
REMOVED_BY_ADMIN = "This comment has been removed by a blog administrator."


@dataclass
class Comment:
    """One comment; ``id`` is Blogger's numeric id, ``parent`` the parent comment's id."""

    id: str
    author: str
    website: str | None
    clean_website: str | None
    published: datetime
    body_html: str
    body_text: str
    parent: str | None
    status: str


@dataclass
class Image:
    """An image in a post body: the ``src`` shown and the original to download."""

    thumb_url: str
    original_url: str


@dataclass
class Post:
    """A post or page (``kind``); ``id`` is Blogger's numeric id."""

    id: str
    kind: str
    title: str
    slug: str
    path: str
    published: datetime
    updated: datetime
    draft: bool
    status: str
    labels: list[str]
    meta_description: str | None
    body_html: str
    paragraphs: list[str]
    images: list[Image]
    comments: list[Comment]


@dataclass
class Blog:
    """The whole blog; ``url`` has no trailing slash, ``author_uri`` is the owner's profile."""

    title: str
    author: str
    blog_id: str
    posts: list[Post]
    tz: str
    url: str = ""
    author_uri: str = ""


# --------------------------------------------------------------------------- time


def _nth_sunday(year: int, month: int, n: int) -> int:
    first = 1 + (6 - date(year, month, 1).weekday()) % 7
    return first + 7 * (n - 1)


def _wall_offset(naive: datetime) -> timedelta:
    """America/New_York offset for a local wall time (US rules since 2007)."""
    start = datetime(naive.year, 3, _nth_sunday(naive.year, 3, 2), 2)
    end = datetime(naive.year, 11, _nth_sunday(naive.year, 11, 1), 2)
    return timedelta(hours=-4) if start <= naive < end else timedelta(hours=-5)


def _instant_offset(utc_naive: datetime) -> timedelta:
    """America/New_York offset at a UTC instant (DST from 07:00 UTC to 06:00 UTC)."""
    start = datetime(utc_naive.year, 3, _nth_sunday(utc_naive.year, 3, 2), 7)
    end = datetime(utc_naive.year, 11, _nth_sunday(utc_naive.year, 11, 1), 6)
    return timedelta(hours=-4) if start <= utc_naive < end else timedelta(hours=-5)


def local_time(y: int, mo: int, d: int, h: int, mi: int, s: int, ms: int) -> datetime:
    """An aware New York wall-clock time (avoid the DST-change hours)."""
    naive = datetime(y, mo, d, h, mi, s, ms * 1000)
    return naive.replace(tzinfo=timezone(_wall_offset(naive)))


def to_local(moment: datetime) -> datetime:
    """The same instant expressed with the New York offset in force then."""
    utc_naive = moment.astimezone(UTC).replace(tzinfo=None)
    offset = _instant_offset(utc_naive)
    return (utc_naive + offset).replace(tzinfo=timezone(offset))


def _fmt_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def classic_time(moment: datetime) -> str:
    """``2022-03-12T21:40:12.345-05:00``: local offset, always milliseconds."""
    local = to_local(moment)
    stamp = local.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{local.microsecond // 1000:03d}{_fmt_offset(local.utcoffset())}"


def takeout_time(moment: datetime) -> str:
    """``2022-03-13T02:40:12.345Z``: UTC, fraction left out when it is zero."""
    utc = moment.astimezone(UTC)
    ms = utc.microsecond // 1000
    stamp = utc.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}Z" if ms == 0 else f"{stamp}.{ms:03d}Z"


def _display_time(moment: datetime) -> str:
    local = to_local(moment)
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{local:%B} {local.day}, {local.year} at {hour}:{local:%M} {half}"


# --------------------------------------------------------------------------- text and HTML

Seg = tuple[str, ...]  # inline segment: ("t", text), ("b", text), ("br",), ...
Block = tuple  # ("p", segs, style), ("h", segs), ("img", _Pic), ("ul", [segs]), ("blank",)


@dataclass
class _Pic:
    thumb: str
    original: str
    linked: bool
    width: int
    height: int
    orig_w: int | None = None
    orig_h: int | None = None
    caption: str | None = None


def visible(text: str) -> str:
    """Normalise visible text: whitespace (NBSP too) collapsed, lines stripped."""
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _esc_text(text: str, comment: bool) -> str:
    out = html.escape(text, quote=False)
    if comment:  # Blogger stores comment text with &#39; and &quot;
        out = out.replace("'", "&#39;").replace('"', "&quot;")
    return out


def _seg_html(seg: Seg, comment: bool = False) -> str:
    kind = seg[0]
    if kind in ("t", "b", "i", "span", "a"):
        inner = _esc_text(seg[1], comment)
        if kind == "t":
            return inner
        if kind == "span":
            return f'<span style="{seg[2]}">{inner}</span>'
        if kind == "a":
            rel = ' rel="nofollow"' if comment else ""
            return f'<a href="{html.escape(seg[2])}"{rel}>{inner}</a>'
        return f"<{kind}>{inner}</{kind}>"
    simple = {"nbsp": "&nbsp;", "br": "<br />"}
    if kind in simple:
        return simple[kind]
    if kind == "empty":
        return f'<span style="{seg[1]}"></span>'
    return seg[1]  # "raw": HTML written as is, no visible text


def _seg_text(seg: Seg) -> str:
    if seg[0] in ("t", "b", "i", "span", "a"):
        return seg[1]
    return {"nbsp": "\xa0", "br": "\n"}.get(seg[0], "")


def _inline_html(segs: list[Seg], comment: bool = False) -> str:
    return "".join(_seg_html(seg, comment) for seg in segs)


def _inline_text(segs: list[Seg]) -> str:
    return visible("".join(_seg_text(seg) for seg in segs))


def _img_tag(pic: _Pic) -> str:
    dims = ""
    if pic.orig_w:
        dims = f'data-original-height="{pic.orig_h}" data-original-width="{pic.orig_w}" '
    return (
        f'<img border="0" {dims}height="{pic.height}" src="{html.escape(pic.thumb)}" '
        f'width="{pic.width}" />'
    )


def _caption_table(pic: _Pic) -> str:
    link = (
        f'<a href="{html.escape(pic.original)}" style="margin-left: auto; margin-right: auto;">'
        f"{_img_tag(pic)}</a>"
    )
    return (
        '<table align="center" cellpadding="0" cellspacing="0" class="tr-caption-container" '
        'style="margin-left: auto; margin-right: auto;"><tbody><tr>'
        f'<td style="text-align: center;">{link}</td></tr><tr>'
        f'<td class="tr-caption" style="text-align: center;">{html.escape(pic.caption or "")}'
        "</td></tr></tbody></table>"
    )


def _pic_html(pic: _Pic) -> str:
    if pic.caption is not None:
        return _caption_table(pic)
    inner = _img_tag(pic)
    if pic.linked:
        inner = (
            f'<a href="{html.escape(pic.original)}" imageanchor="1" '
            f'style="margin-left: 1em; margin-right: 1em;">{inner}</a>'
        )
    return f'<div class="separator" style="clear: both; text-align: center;">{inner}</div>'


def _list_html(items: list[list[Seg]], style: str = "") -> str:
    lis = "".join(f"<li>{_inline_html(item)}</li>" for item in items)
    return f"<ul{style}>{lis}</ul>"


def _block_new_editor(block: Block) -> str:
    kind = block[0]
    if kind == "p":
        style = f' style="{block[2]}"' if len(block) > 2 and block[2] else ""
        return f"<p{style}>{_inline_html(block[1])}</p>"
    if kind == "h":
        return f'<h3 style="text-align: left;">{_inline_html(block[1])}</h3>'
    if kind == "center":
        return f'<p style="text-align: center;">{_inline_html(block[1])}</p>'
    if kind == "ul":
        return _list_html(block[1], ' style="text-align: left;"')
    if kind == "img":
        return _pic_html(block[1])
    return "<p>&nbsp;</p>"


def _render_new_editor(blocks: list[Block]) -> str:
    """2020+ editor: <p> paragraphs, <h3 style=...> headings."""
    return "".join(_block_new_editor(block) for block in blocks)


def _old_editor_piece(block: Block) -> tuple[str, bool]:
    """HTML for one block in the old editor, and whether it is inline text."""
    kind = block[0]
    if kind == "p":
        return _inline_html(block[1]), True
    if kind == "center":
        return f'<div style="text-align: center;">{_inline_html(block[1])}</div>', False
    if kind == "h":
        return f'<h3 style="text-align: left;">{_inline_html(block[1])}</h3>', False
    if kind == "ul":
        return _list_html(block[1]), False
    if kind == "img":
        return _pic_html(block[1]), False
    return "<br />", False


def _render_old_editor(blocks: list[Block]) -> str:
    """Pre-2020 editor: one ltr <div>, text separated by <br /><br />."""
    out: list[str] = []
    prev_inline: bool | None = None
    for block in blocks:
        piece, inline = _old_editor_piece(block)
        if prev_inline is not None:
            out.append("<br /><br />" if inline and prev_inline else "<br />")
        out.append(piece)
        prev_inline = inline
    body = "".join(out)
    return f'<div dir="ltr" style="text-align: left;" trbidi="on">{body}</div>'


def _block_div_editor(block: Block) -> str:
    kind = block[0]
    if kind == "p":
        return f"<div>{_inline_html(block[1])}</div>"
    if kind == "center":
        return f'<div style="text-align: center;">{_inline_html(block[1])}</div>'
    if kind == "h":
        return f"<h3>{_inline_html(block[1])}</h3>"
    if kind == "ul":
        return _list_html(block[1])
    if kind == "img":
        return _pic_html(block[1])
    return "<div><br /></div>"


def _render_div_editor(blocks: list[Block]) -> str:
    """Mid-2010s compose mode: a <div> per line, <div><br /></div> as blank lines."""
    out: list[str] = []
    for i, block in enumerate(blocks):
        if i and block[0] == "p" and blocks[i - 1][0] == "p":
            out.append("<div><br /></div>")
        out.append(_block_div_editor(block))
    return "".join(out)


RENDERERS = {"new": _render_new_editor, "old": _render_old_editor, "div": _render_div_editor}


def _block_truth(blocks: list[Block]) -> tuple[list[str], list[Image]]:
    paragraphs: list[str] = []
    images: list[Image] = []
    for block in blocks:
        if block[0] in ("p", "h", "center"):
            texts = [_inline_text(block[1])]
        elif block[0] == "ul":
            texts = [_inline_text(item) for item in block[1]]
        elif block[0] == "img":
            pic = block[1]
            images.append(Image(pic.thumb, pic.original))
            texts = [visible(pic.caption)] if pic.caption is not None else []
        else:
            texts = []
        paragraphs.extend(text for text in texts if text)
    return paragraphs, images


def render_body(blocks: list[Block], style: str) -> tuple[str, list[str], list[Image]]:
    """Body HTML in one of Blogger's editor styles, with its visible paragraphs and images."""
    paragraphs, images = _block_truth(blocks)
    return RENDERERS[style](blocks), paragraphs, images


def blogger_slug(title: str) -> str:
    """Blogger-like URL slug: ASCII-folded, apostrophes dropped, cut near 40 characters."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower().replace("'", ""))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 40:
            break
        slug = candidate
    return slug or "blog-post"


def clean_website(raw: str | None) -> str | None:
    """What an importer should keep of a commenter's website, or None."""
    if raw is None:
        return None
    value = raw.strip()
    if not value or any(ch.isspace() or ord(ch) < 32 for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return value


# --------------------------------------------------------------------------- building the blog

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

SENTENCES = [
    "Aujourd'hui, j'ai marché vingt minutes sans m'arrêter.",
    "The doctor said to keep a diary of symptoms & energy levels.",
    "Le café du marché ouvre à 7 h 30, c'est parfait.",
    "Résultat : trois jours de repos complet.",
    "Pacing is a skill, not a personality trait.",
    "On a fêté ça avec une tarte aux pommes.",
    "Le rendez-vous suivant est prévu en avril.",
    "I'm trying to write one post a week, no more.",
    "Ça va mieux, mais doucement.",
    "Les « bons jours » sont plus fréquents qu'avant.",
    "My physio calls it the 50/50 rule: do half of what you think you can.",
    "Il a plu toute la semaine sur le lac.",
]
HEADINGS = ["Ce qui a changé", "What helped", "La suite", "En bref"]
LIST_ITEMS = ["Repos", "Hydratation", "Marche lente", "Sieste de 20 min", "Journal"]
TITLES = [
    "Soupe à l'oignon, version 2",
    "Ce que j'ai appris en trois ans de fatigue chronique et de rendez-vous",
    "Tips & tricks for pacing",
    "Retour de randonnée",
    "Notes du jeudi",
    "Un été au ralenti",
    "Questions fréquentes",
    "Recette : galettes de sarrasin",
]
LABELS = ["long covid", "santé", "recettes", "randonnée", "bilan", "C'est la vie"]
COMMENT_SENTENCES = [
    "Merci pour ce partage !",
    "Courage, ça viendra.",
    "I'm in the same boat, thanks for writing this.",
    "Très juste. J'ai vécu la même chose l'an dernier.",
    'Did you try the "4-2-4" breathing trick?',
    "Belle photo :)",
    "Bon rétablissement !",
]
COMMENTERS: list[tuple[str, str | None]] = [
    ("Ana Lopes", "profile"),
    ("Anonymous", None),
    ("Jean-Pierre Dubé", "http://jpdube.example.org/"),
    ("Sofia R.", "https://sofia.example.net/blog/"),
    ("Unknown", "profile"),
]
PIC_NAMES = ["IMG_0001.jpg", "photo.jpg", "DSC_0042.JPG", "lac.jpg"]


@dataclass
class _Ctx:
    rng: random.Random
    blog_id: str
    blog_url: str
    author: str
    author_uri: str
    profiles: dict[str, str] = field(default_factory=dict)

    def new_id(self) -> str:
        return str(self.rng.randrange(10**17, 9 * 10**18))

    def token(self, n: int) -> str:
        return "".join(self.rng.choice(B64URL) for _ in range(n))

    def profile(self, name: str) -> str:
        if name not in self.profiles:
            digits = self.rng.randrange(10**19, 10**20)
            self.profiles[name] = f"https://www.blogger.com/profile/{digits}"
        return self.profiles[name]


def _guc_base(ctx: _Ctx) -> str:
    return (
        "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsE"
        f"{ctx.rng.choice('ghij')}{ctx.token(150)}"
    )


def _bp_base(ctx: _Ctx, scheme: str = "https") -> str:
    host = f"{ctx.rng.randint(1, 4)}.bp.blogspot.com"
    return (
        f"{scheme}://{host}/-{ctx.token(11)}/{ctx.token(11)}/AAAAAAAA{ctx.token(3)}/{ctx.token(11)}"
    )


def _linked_pic(base: str, name: str, sizes: tuple[str, str], box: tuple[int, int]) -> _Pic:
    thumb, original = sizes
    return _Pic(f"{base}/{thumb}/{name}", f"{base}/{original}/{name}", True, *box)


def _random_pic(ctx: _Ctx) -> _Pic:
    name = ctx.rng.choice(PIC_NAMES)
    if ctx.rng.random() < 0.5:
        pic = _linked_pic(_guc_base(ctx), name, ("s320", "s1600"), (320, 240))
        pic.orig_w, pic.orig_h = 4000, 3000
        return pic
    return _linked_pic(_bp_base(ctx), name, ("s320", "s1600"), (320, 213))


def _random_para(rng: random.Random) -> list[Seg]:
    first, *rest = rng.sample(SENTENCES, rng.randint(1, 3))
    segs: list[Seg] = [("t", first)]
    for sentence in rest:
        if rng.random() < 0.3:
            segs += [("nbsp",), ("t", " " + sentence)]  # "end.&nbsp; Next" as typed
        else:
            segs.append(("t", " " + sentence))
    if rng.random() < 0.25:
        segs.append(("empty", "font-family: inherit;"))
    return segs


def _random_blocks(ctx: _Ctx) -> list[Block]:
    rng = ctx.rng
    blocks: list[Block] = []
    for i in range(rng.randint(2, 4)):
        if i == 1 and rng.random() < 0.5:
            blocks.append(("h", [("t", rng.choice(HEADINGS))]))
        blocks.append(("p", _random_para(rng)))
        if i == 0 and rng.random() < 0.6:
            blocks.append(("img", _random_pic(ctx)))
    if rng.random() < 0.3:
        blocks.append(("ul", [[("t", item)] for item in rng.sample(LIST_ITEMS, 3)]))
    return blocks


def _comment(
    ctx: _Ctx,
    who: tuple[str, str | None],
    when: datetime,
    segs: list[Seg],
    parent: Comment | None = None,
    status: str = "live",
) -> Comment:
    name, website = who
    if website == "profile":
        website = ctx.profile(name)
    return Comment(
        id=ctx.new_id(),
        author=name,
        website=website,
        clean_website=clean_website(website),
        published=to_local(when),
        body_html=_inline_html(segs, comment=True),
        body_text=_inline_text(segs),
        parent=parent.id if parent else None,
        status=status,
    )


def _owner(ctx: _Ctx) -> tuple[str, str]:
    return ctx.author, ctx.author_uri


def _later(base: datetime, hours: float, ms: int) -> datetime:
    """``base`` plus some hours and milliseconds, kept to whole milliseconds."""
    moment = base + timedelta(hours=hours, milliseconds=ms)
    return moment - timedelta(microseconds=moment.microsecond % 1000)


def _post(
    ctx: _Ctx,
    title: str,
    published: datetime,
    blocks: list[Block],
    style: str,
    *,
    kind: str = "post",
    status: str = "live",
    slug: str | None = None,
    updated: datetime | None = None,
    labels: list[str] | None = None,
    meta: str | None = None,
    comments: list[Comment] | None = None,
) -> Post:
    slug = "" if status == "draft" else (slug or blogger_slug(title))
    if not slug:
        path = ""
    elif kind == "page":
        path = f"/p/{slug}.html"
    else:
        path = f"/{published.year}/{published.month:02d}/{slug}.html"
    body, paragraphs, images = render_body(blocks, style)
    updated = updated or _later(published, 24 * ctx.rng.randint(0, 20), 137)
    return Post(
        id=ctx.new_id(),
        kind=kind,
        title=title,
        slug=slug,
        path=path,
        published=published,
        updated=to_local(updated),
        draft=status == "draft",
        status=status,
        labels=list(labels or []),
        meta_description=meta,
        body_html=body,
        paragraphs=paragraphs,
        images=images,
        comments=list(comments or []),
    )


def _evening_blocks(ctx: _Ctx) -> list[Block]:
    first = _linked_pic(_guc_base(ctx), "IMG_2041.jpg", ("s320", "s1600"), (320, 240))
    first.orig_w, first.orig_h = 4000, 3000
    second = _linked_pic(
        _guc_base(ctx), "PXL_20220312_184502.jpg", ("w400-h300", "s4032"), (400, 300)
    )
    second.orig_w, second.orig_h = 4032, 3024
    return [
        ("p", [("t", "Ce soir, un petit bilan."), ("nbsp",), ("t", " Rien de grave.")]),
        ("h", [("t", "Ce qui a marché")]),
        (
            "p",
            [
                ("t", "Marcher "),
                ("b", "vingt minutes"),
                ("t", " par jour, "),
                ("span", "sans forcer", "font-family: georgia;"),
                ("t", "."),
                ("empty", "font-size: medium;"),
            ],
            "text-align: justify;",
        ),
        ("img", first),
        ("blank",),
        ("p", [("t", "Astuce : tapez <br /> pour un saut de ligne & <p> pour un paragraphe.")]),
        ("img", second),
        ("ul", [[("t", "Repos")], [("t", "Hydratation")], [("t", "Patience & humour")]]),
        ("p", [("t", "À suivre…"), ("br",), ("t", "Marie")]),
    ]


def _evening_comments(ctx: _Ctx, post_time: datetime) -> list[Comment]:
    ana = ("Ana Lopes", "profile")
    top = _comment(ctx, ana, _later(post_time, 1.05, 250), [("t", "Merci pour ce bilan !")])
    r1 = _comment(
        ctx, _owner(ctx), _later(post_time, 2.5, 411), [("t", "Merci Ana, on s'accroche.")], top
    )
    r2 = _comment(
        ctx, ana, _later(post_time, 26, 903), [("t", "Tu as essayé la marche nordique ?")], r1
    )
    r3 = _comment(
        ctx, _owner(ctx), _later(post_time, 30, 77), [("t", "Pas encore, c'est noté <3")], r2
    )
    xss = _comment(
        ctx,
        ("<script>alert(1)</script>", "javascript:alert(1)"),
        _later(post_time, 5, 512),
        [("t", "Super article")],
    )
    rlo = _comment(
        ctx,
        ("Eve\u202egpj.exe", "http://exa mple.com"),
        _later(post_time, 6, 640),
        [("t", "Lien dans mon profil."), ("br",), ("br",), ("t", "À bientôt")],
    )
    return [top, r1, r2, r3, xss, rlo]


def _evening_post(ctx: _Ctx) -> Post:
    published = local_time(2022, 3, 12, 21, 40, 12, 345)  # EST: 2022-03-13T02:40:12.345Z
    return _post(
        ctx,
        "Bilan du samedi soir",
        published,
        _evening_blocks(ctx),
        "new",
        updated=published + timedelta(seconds=5),
        labels=["long covid", "santé"],
        meta="Un bilan honnête après trois mois de pacing.",
        comments=_evening_comments(ctx, published),
    )


def _month_end_blocks(ctx: _Ctx) -> list[Block]:
    lake = _linked_pic(
        _bp_base(ctx, "http"), "DSC_0042%2B%25282%2529.JPG", ("s320", "s1600"), (320, 240)
    )
    chart = _linked_pic(_bp_base(ctx), "chart.png", ("s400", "s1600"), (400, 225))
    chart.caption = "Énergie par jour (0 = rien, 10 = normal)"
    return [
        (
            "p",
            [
                ("t", "Premier jour du printemps… enfin presque."),
                ("br",),
                ("t", "Il neige encore sur le lac."),
            ],
        ),
        ("img", lake),
        ("p", [("t", "Les résultats de la semaine :")]),
        ("img", chart),
        ("h", [("t", "Et maintenant ?")]),
        ("p", [("t", "On verra en avril.")]),
    ]


def _month_end_comments(ctx: _Ctx, post_time: datetime) -> list[Comment]:
    img = _comment(
        ctx,
        ("Anonymous", None),
        _later(post_time, 3, 101),
        [("raw", "<img src=x onerror=alert(1)>"), ("t", "Jolie photo !")],
    )
    thanks = _comment(ctx, _owner(ctx), _later(post_time, 4, 202), [("t", "Merci !")], img)
    userinfo = _comment(
        ctx, ("Bob", "https://a.example@b.example/"), _later(post_time, 7, 303), [("t", "Voir")]
    )
    gone = _comment(
        ctx,
        ("Unknown", "profile"),
        _later(post_time, 9, 404),
        [("t", REMOVED_BY_AUTHOR)],
        status="deleted",
    )
    spam = _comment(
        ctx,
        ("Anonymous", None),
        _later(post_time, 11, 505),
        [("t", REMOVED_BY_ADMIN)],
        status="deleted",
    )
    link = _comment(
        ctx,
        ("Sofia R.", "https://sofia.example.net/blog/"),
        _later(post_time, 13, 606),
        [("t", "Voir "), ("a", "cet article", "https://example.org/a?id=1&lang=fr"), ("t", ".")],
    )
    return [img, thanks, userinfo, gone, spam, link]


def _month_end_post(ctx: _Ctx) -> Post:
    published = local_time(2022, 3, 31, 22, 15, 30, 0)  # EDT: 2022-04-01T02:15:30Z
    return _post(
        ctx,
        "Fin mars",
        published,
        _month_end_blocks(ctx),
        "old",
        labels=["randonnée"],
        comments=_month_end_comments(ctx, published),
    )


def _new_year_post(ctx: _Ctx) -> Post:
    base = _guc_base(ctx)
    fireworks = _Pic(f"{base}/w640-h480/feux.jpg", f"{base}/s0/feux.jpg", False, 640, 480)
    fireworks.orig_w, fireworks.orig_h = 1600, 1200
    blocks: list[Block] = [
        ("center", [("b", "Bonne année !")]),
        ("p", [("t", "Dernier billet de 2022, écrit à 20 h.")]),
        ("img", fireworks),
        ("p", [("t", "Merci d'avoir lu jusqu'ici.")]),
    ]
    published = local_time(2022, 12, 31, 20, 5, 9, 870)  # 2023-01-01T01:05:09.870Z
    return _post(
        ctx,
        "Réveillon",
        published,
        blocks,
        "div",
        labels=["bilan", "santé"],
        meta="Bilan de l'année 2022.",
    )


def _untitled_posts(ctx: _Ctx) -> list[Post]:
    first = local_time(2022, 5, 3, 9, 12, 44, 18)
    second = local_time(2022, 5, 24, 18, 2, 1, 999)
    body: list[Block] = [("p", [("t", "Juste une photo du jardin, sans titre.")])]
    return [
        _post(ctx, "", first, body, "div", slug="blog-post"),
        _post(
            ctx,
            "",
            second,
            [("p", [("t", "Encore un billet sans titre.")])],
            "div",
            slug="blog-post_24",
        ),
    ]


def _draft_post(ctx: _Ctx) -> Post:
    pic = _random_pic(ctx)
    blocks: list[Block] = [("p", [("t", "Brouillon : ne pas publier.")]), ("img", pic)]
    published = local_time(2023, 11, 2, 10, 0, 0, 500)
    return _post(
        ctx, "Brouillon : à relire", published, blocks, "new", status="draft", labels=["santé"]
    )


def _deleted_post(ctx: _Ctx) -> Post:
    blocks: list[Block] = [("p", [("t", "Cette annonce a été supprimée.")])]
    published = local_time(2022, 8, 15, 12, 30, 45, 321)
    return _post(ctx, "Annonce périmée", published, blocks, "new", status="deleted")


def _trashed_post(ctx: _Ctx) -> Post:
    blocks: list[Block] = [("p", [("t", "Doublon, à la corbeille.")]), ("img", _random_pic(ctx))]
    published = local_time(2022, 9, 1, 8, 8, 8, 808)
    post = _post(ctx, "Doublon à supprimer", published, blocks, "new", status="trashed")
    post.comments = [
        _comment(ctx, ("Ana Lopes", "profile"), _later(published, 2, 22), [("t", "Doublon ?")])
    ]
    return post


def _random_comments(ctx: _Ctx, post_time: datetime) -> list[Comment]:
    rng = ctx.rng
    comments: list[Comment] = []
    when = post_time
    for _ in range(rng.randint(0, 3)):
        when = _later(when, rng.randint(1, 72) + rng.random(), rng.randint(1, 999))
        segs: list[Seg] = [("t", rng.choice(COMMENT_SENTENCES))]
        if rng.random() < 0.3:
            segs += [("br",), ("br",), ("t", rng.choice(COMMENT_SENTENCES))]
        comments.append(_comment(ctx, rng.choice(COMMENTERS), when, segs))
    if comments and rng.random() < 0.5:
        parent = rng.choice(comments)
        reply_time = _later(max(c.published for c in comments), 1.5, rng.randint(1, 999))
        comments.append(_comment(ctx, _owner(ctx), reply_time, [("t", "Merci !")], parent))
    return comments


def _random_post(ctx: _Ctx, index: int) -> Post:
    rng = ctx.rng
    title = TITLES[index % len(TITLES)]
    if index >= len(TITLES):
        title = f"{title} ({index // len(TITLES) + 1})"
    month_index = 17 + 2 * index  # months after January 2021, one post every other month
    year, month = 2021 + month_index // 12, month_index % 12 + 1
    published = local_time(
        year,
        month,
        rng.randint(1, 28),
        rng.randint(8, 22),
        rng.randint(0, 59),
        rng.randint(0, 59),
        rng.randint(1, 999),
    )
    labels = rng.sample(LABELS, rng.randint(0, 2))
    meta = rng.choice(SENTENCES) if rng.random() < 0.5 else None
    return _post(
        ctx,
        title,
        published,
        _random_blocks(ctx),
        rng.choice(["new", "old", "div"]),
        labels=labels,
        meta=meta,
        comments=_random_comments(ctx, published),
    )


def _pages(ctx: _Ctx) -> list[Post]:
    pic = _linked_pic(_bp_base(ctx), "IMG_2041.jpg", ("s320", "s1600"), (320, 240))
    about: list[Block] = [
        ("p", [("t", "Je m'appelle Marie. J'écris ici depuis 2021.")]),
        ("img", pic),
        ("p", [("t", "Contact : "), ("a", "écrivez-moi", "mailto:marie@example.org")]),
    ]
    contact: list[Block] = [("p", [("t", "Formulaire à venir.")])]
    return [
        _post(
            ctx,
            "À propos de ce carnet",
            local_time(2021, 6, 1, 10, 0, 0, 1),
            about,
            "new",
            kind="page",
            slug="about",
            meta="Qui écrit ce carnet.",
        ),
        _post(
            ctx,
            "Contact (brouillon)",
            local_time(2023, 2, 2, 11, 11, 11, 111),
            contact,
            "new",
            kind="page",
            status="draft",
        ),
    ]


def make_blog(seed: int = 0, posts: int = 12) -> Blog:
    """The truth: a blog with ``posts`` posts (all statuses) plus two pages."""
    if posts < MIN_POSTS:
        raise ValueError(f"posts must be at least {MIN_POSTS}")
    rng = random.Random(seed)
    ctx = _Ctx(
        rng,
        str(rng.randrange(10**17, 9 * 10**18)),
        "https://carnet-de-marie.blogspot.com",
        "Marie-Hélène Côté",
        "",
    )
    ctx.author_uri = ctx.profile(ctx.author)
    items = [
        _evening_post(ctx),
        _month_end_post(ctx),
        _new_year_post(ctx),
        *_untitled_posts(ctx),
        _draft_post(ctx),
        _deleted_post(ctx),
        _trashed_post(ctx),
    ]
    items += [_random_post(ctx, i) for i in range(posts - len(items))]
    items += _pages(ctx)
    return Blog(
        "Carnet de santé & d'humeur",
        ctx.author,
        ctx.blog_id,
        items,
        "America/New_York",
        ctx.blog_url,
        ctx.author_uri,
    )


# --------------------------------------------------------------------------- XML helpers


def _xml(text: str) -> str:
    return html.escape(text, quote=False)


def _el(tag: str, text: str | None = None, attrs: dict[str, str] | None = None) -> str:
    attr = "".join(f" {k}='{html.escape(v, quote=True)}'" for k, v in (attrs or {}).items())
    if text is None:
        return f"<{tag}{attr}/>"
    return f"<{tag}{attr}>{_xml(text)}</{tag}>"


def _link(rel: str, href: str, mime: str, title: str | None = None) -> str:
    attrs = {"rel": rel, "type": mime, "href": href}
    if title is not None:
        attrs["title"] = title
    return _el("link", None, attrs)


def _tag_id(blog: Blog, kind: str, item_id: str) -> str:
    return f"tag:blogger.com,1999:blog-{blog.blog_id}.{kind}-{item_id}"


def _published_items(blog: Blog, kind: str, statuses: tuple[str, ...]) -> list[Post]:
    items = [p for p in blog.posts if p.kind == kind and p.status in statuses]
    return sorted(items, key=lambda p: p.published, reverse=True)


def _comments_newest_first(
    posts: list[Post], statuses: tuple[str, ...] = ("live", "deleted", "spam", "pending")
) -> list[tuple[Post, Comment]]:
    pairs = [(post, c) for post in posts for c in post.comments if c.status in statuses]
    return sorted(pairs, key=lambda pair: pair[1].published, reverse=True)


# --------------------------------------------------------------------------- classic writer

CLASSIC_ROOT = (
    "<feed xmlns='http://www.w3.org/2005/Atom' "
    "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
    "xmlns:gd='http://schemas.google.com/g/2005' "
    "xmlns:thr='http://purl.org/syndication/thread/1.0' "
    "xmlns:georss='http://www.georss.org/georss'>"
)
TEMPLATE_TEXT = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE html>\n'
    "<html b:version='2' xmlns:b='http://www.google.com/2005/gml/b'><head><b:skin><![CDATA["
    "body { font: 14px Georgia; }]]></b:skin></head><body><b:section id='main'>"
    "<b:widget id='Blog1' type='Blog'><data:post.body/></b:widget></b:section></body></html>"
)


def _kind(kind: str) -> str:
    return _el("category", None, {"scheme": KIND_SCHEME, "term": KIND_PREFIX + kind})


def _classic_author(name: str, uri: str | None, avatar: str) -> str:
    uri_el = _el("uri", uri) if uri else ""
    image = _el(
        "gd:image",
        None,
        {
            "rel": "http://schemas.google.com/g/2005#thumbnail",
            "width": "16",
            "height": "16",
            "src": avatar,
        },
    )
    return f"<author>{_el('name', name)}{uri_el}{_el('email', NOREPLY)}{image}</author>"


AVATAR = "https://img1.blogblog.com/img/b16-rounded.gif"
ANON_AVATAR = "https://img1.blogblog.com/img/blank.gif"


def _owner_author(blog: Blog) -> str:
    return _classic_author(blog.author, blog.author_uri, AVATAR)


def _feeds(blog: Blog) -> str:
    return f"https://www.blogger.com/feeds/{blog.blog_id}"


def _classic_header(blog: Blog) -> str:
    newest = max((p.updated for p in blog.posts), default=datetime(2020, 1, 1, tzinfo=UTC))
    archive = f"{_feeds(blog)}/archive"
    return "".join(
        [
            "<?xml version='1.0' encoding='UTF-8'?>",
            '<?xml-stylesheet href="https://www.blogger.com/styles/atom.css" type="text/css"?>',
            CLASSIC_ROOT,
            _el("id", f"tag:blogger.com,1999:blog-{blog.blog_id}.archive"),
            _el("updated", classic_time(newest)),
            _el("title", blog.title, {"type": "text"}),
            _link("http://schemas.google.com/g/2005#feed", archive, "application/atom+xml"),
            _link("self", archive, "application/atom+xml"),
            _link("http://schemas.google.com/g/2005#post", archive, "application/atom+xml"),
            _link("alternate", blog.url + "/", "text/html"),
            _owner_author(blog),
            _el("generator", "Blogger", {"version": "7.00", "uri": "https://www.blogger.com"}),
        ]
    )


def _classic_misc_entry(blog: Blog, key: str, kind: str, title: str, text: str) -> str:
    """A template (``key`` = "layout") or settings entry (``key`` = "settings.NAME")."""
    created = local_time(2021, 5, 30, 9, 0, 0, 877)
    if kind == "template":
        feed = f"{_feeds(blog)}/template/default"
    else:
        feed = f"{_feeds(blog)}/settings/{key.removeprefix('settings.')}"
    return "".join(
        [
            "<entry>",
            _el("id", f"tag:blogger.com,1999:blog-{blog.blog_id}.{key}"),
            _el("published", classic_time(created)),
            _el("updated", classic_time(created + timedelta(days=600))),
            _kind(kind),
            _el("title", title, {"type": "text"}),
            _el("content", text, {"type": "text"}),
            _link("edit", feed, "application/atom+xml"),
            _link("self", feed, "application/atom+xml"),
            _owner_author(blog),
            "</entry>",
        ]
    )


def _classic_settings(blog: Blog) -> list[str]:
    settings = [
        ("BLOG_NAME", "Le nom de ce blog", blog.title),
        ("BLOG_SUBDOMAIN", "Le sous-domaine BlogSpot", "carnet-de-marie"),
        ("BLOG_TIME_ZONE", "Le fuseau horaire de ce blog", blog.tz),
        ("BLOG_LOCALE", "La langue de ce blog", "fr"),
        ("BLOG_COMMENT_ACCESS", "Qui peut commenter", "ANYONE"),
    ]
    title = f"Template: {blog.title}"
    layout = _classic_misc_entry(blog, "layout", "template", title, TEMPLATE_TEXT)
    return [layout] + [
        _classic_misc_entry(blog, f"settings.{key}", "settings", title, value)
        for key, title, value in settings
    ]


def _classic_post_links(blog: Blog, post: Post) -> str:
    feed = f"{_feeds(blog)}/{'pages' if post.kind == 'page' else 'posts'}/default/{post.id}"
    url = blog.url + post.path
    parts = []
    if post.kind == "post" and post.path:
        count = len(post.comments)
        parts += [
            _link(
                "replies",
                f"{blog.url}/feeds/{post.id}/comments/default",
                "application/atom+xml",
                "Post Comments",
            ),
            _link("replies", f"{url}#comment-form", "text/html", f"{count} Comments"),
        ]
    parts += [_link(rel, feed, "application/atom+xml") for rel in ("edit", "self")]
    if post.path:
        parts.append(_link("alternate", url, "text/html", post.title))
    return "".join(parts)


def _media_thumbnail(post: Post) -> str:
    if not post.images:
        return ""
    url = re.sub(r"/[^/]+/([^/]+)$", r"/s72-c/\1", post.images[0].thumb_url)
    attrs = {
        "xmlns:media": "http://search.yahoo.com/mrss/",
        "url": url,
        "height": "72",
        "width": "72",
    }
    return _el("media:thumbnail", None, attrs)


def _classic_post(blog: Blog, post: Post) -> str:
    draft = ""
    if post.draft:
        draft = f"<app:control xmlns:app='{APP_NS}'><app:draft>yes</app:draft></app:control>"
    labels = "".join(
        _el("category", None, {"scheme": LABEL_SCHEME, "term": label}) for label in post.labels
    )
    total = _el("thr:total", str(len(post.comments))) if post.kind == "post" else ""
    return "".join(
        [
            "<entry>",
            _el("id", _tag_id(blog, post.kind, post.id)),
            _el("published", classic_time(post.published)),
            _el("updated", classic_time(post.updated)),
            draft,
            _kind(post.kind),
            labels,
            _el("title", post.title, {"type": "text"}),
            _el("content", post.body_html, {"type": "html"}),
            _classic_post_links(blog, post),
            _owner_author(blog),
            _media_thumbnail(post),
            total,
            "</entry>",
        ]
    )


def _comment_title(comment: Comment) -> str:
    if comment.status == "deleted":
        return ""
    text = re.sub(r"<[^>]*>", "", comment.body_html)
    return text[:50] + "..." if len(text) > 50 else text


def _classic_comment_links(blog: Blog, post: Post, comment: Comment) -> str:
    feed = f"{_feeds(blog)}/{post.id}/comments/default"
    millis = int(comment.published.timestamp() * 1000)
    alternate = f"{blog.url}{post.path}?showComment={millis}#c{comment.id}"
    parts = [
        _link("edit", f"{feed}/{comment.id}", "application/atom+xml"),
        _link("self", f"{feed}/{comment.id}", "application/atom+xml"),
        _link("alternate", alternate, "text/html", ""),
    ]
    if comment.parent:
        parts.append(_link("related", f"{feed}/{comment.parent}", "application/atom+xml"))
    return "".join(parts)


def _classic_comment_extras(blog: Blog, post: Post, comment: Comment) -> str:
    reply_to = _el(
        "thr:in-reply-to",
        None,
        {
            "href": blog.url + post.path,
            "ref": _tag_id(blog, "post", post.id),
            "source": f"{_feeds(blog)}/posts/default/{post.id}",
            "type": "text/html",
        },
    )
    props = [
        ("blogger.itemClass", f"pid-{int(comment.id) % 10**9}"),
        ("blogger.displayTime", _display_time(comment.published)),
    ]
    if comment.status == "deleted":
        props.append(("blogger.contentRemoved", "true"))
    extended = "".join(_el("gd:extendedProperty", None, {"name": k, "value": v}) for k, v in props)
    return reply_to + extended


def _classic_comment(blog: Blog, post: Post, comment: Comment) -> str:
    avatar = AVATAR if comment.website else ANON_AVATAR
    return "".join(
        [
            "<entry>",
            _el("id", _tag_id(blog, "post", comment.id)),
            _el("published", classic_time(comment.published)),
            _el("updated", classic_time(comment.published)),
            _kind("comment"),
            _el("title", _comment_title(comment), {"type": "text"}),
            _el("content", comment.body_html, {"type": "html"}),
            _classic_comment_links(blog, post, comment),
            _classic_author(comment.author, comment.website, avatar),
            _classic_comment_extras(blog, post, comment),
            "</entry>",
        ]
    )


def write_classic(blog: Blog) -> bytes:
    """The classic "Back up content" XML (deleted and trashed posts, spam and comments
    awaiting moderation are not in it; a scheduled post is a draft with its future date)."""
    posts = _published_items(blog, "post", ("live", "draft", "scheduled"))
    pages = _published_items(blog, "page", ("live", "draft"))
    parts = [_classic_header(blog), *_classic_settings(blog)]
    parts += [_classic_post(blog, post) for post in posts + pages]
    shown = _comments_newest_first(posts, ("live", "deleted"))
    parts += [_classic_comment(blog, p, c) for p, c in shown]
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


# --------------------------------------------------------------------------- Takeout writer

TAKEOUT_STATUS = {
    "live": "LIVE",
    "draft": "DRAFT",
    "scheduled": "SCHEDULED",
    "deleted": "DELETED",
    "trashed": "SOFT_TRASHED",
}


def _takeout_author(name: str, uri: str | None, comment: bool) -> str:
    kind = "BLOGGER" if uri and uri.startswith("https://www.blogger.com/profile/") else "ANONYMOUS"
    email = _el("email", NOREPLY) if comment else ""
    return (
        f"<author>{_el('name', name)}{_el('uri', uri or '')}{email}"
        f"{_el('blogger:type', kind)}</author>"
    )


def _takeout_trashed(post: Post) -> str:
    if post.status == "trashed":
        return _el("blogger:trashed", takeout_time(post.updated))
    return "<blogger:trashed/>"


def _takeout_categories(blog: Blog, post: Post) -> str:
    if post.kind == "page":
        return ""
    scheme = f"tag:blogger.com,1999:blog-{blog.blog_id}"
    cats = "".join(
        _el("category", None, {"scheme": scheme, "term": label}) for label in post.labels
    )
    return cats or "<category/>"


def _takeout_post(blog: Blog, post: Post) -> str:
    meta = post.meta_description
    created = post.published - timedelta(minutes=37, milliseconds=412)
    return "".join(
        [
            "<entry>",
            _el("id", _tag_id(blog, post.kind, post.id)),
            _el("blogger:type", post.kind.upper()),
            _el("blogger:status", TAKEOUT_STATUS[post.status]),
            _takeout_author(blog.author, blog.author_uri, comment=False),
            # Takeout escapes a title once more than the XML needs (`I&amp;#39;m`).
            _el("title", html.escape(post.title).replace("&#x27;", "&#39;")),
            _el("content", post.body_html, {"type": "html"}),
            _el("blogger:metaDescription", meta) if meta else "<blogger:metaDescription/>",
            _el("blogger:created", takeout_time(created)),
            _el("published", takeout_time(post.published)),
            _el("updated", takeout_time(post.updated)),
            "<blogger:location/>",
            _takeout_categories(blog, post),
            _el("blogger:filename", post.path) if post.path else "<blogger:filename/>",
            "<link/><enclosure/>",
            _takeout_trashed(post),
            "</entry>",
        ]
    )


def _takeout_comment(blog: Blog, post: Post, comment: Comment) -> str:
    parent = comment.parent
    in_reply_to = (
        _el("blogger:inReplyTo", _tag_id(blog, "post", parent))
        if parent
        else ("<blogger:inReplyTo/>")
    )
    status = comment.status.upper()
    stamp = takeout_time(comment.published)
    return "".join(
        [
            "<entry>",
            _el("id", _tag_id(blog, "post", comment.id)),
            _el("blogger:parent", _tag_id(blog, "post", post.id)),
            in_reply_to,
            _el("blogger:type", "COMMENT"),
            _el("blogger:status", status),
            _takeout_author(comment.author, comment.website, comment=True),
            _el("title", ""),
            _el("content", comment.body_html, {"type": "html"}),
            _el("blogger:created", stamp),
            _el("published", stamp),
            _el("updated", stamp),
            "<blogger:trashed/>",
            "</entry>",
        ]
    )


def write_takeout(blog: Blog) -> bytes:
    """The Takeout ``feed.atom`` (2018 schema), every status included."""
    statuses = tuple(TAKEOUT_STATUS)
    posts = _published_items(blog, "post", statuses)
    pages = _published_items(blog, "page", statuses)
    parts = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f"<feed xmlns='{ATOM_NS}' xmlns:blogger='{BLOGGER_2018_NS}'>",
        _el("id", f"tag:blogger.com,1999:blog-{blog.blog_id}"),
        _el("title", blog.title),
    ]
    parts += [_takeout_post(blog, post) for post in posts + pages]
    parts += [_takeout_comment(blog, p, c) for p, c in _comments_newest_first(posts)]
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


# --------------------------------------------------------------------------- image bytes

SIZE_SEGMENT = re.compile(r"/(s\d+(?:-c)?|w\d+-h\d+[^/]*)/(?=[^/]+$)")


def _pixel_size(token: str | None) -> tuple[int, int]:
    if token is None:
        return 24, 16
    if token == "s0":
        return 96, 72
    if token.endswith("-c"):
        return 8, 8
    width = int(re.match(r"[sw](\d+)", token).group(1))
    if width >= 1000:
        return 80, 60
    return (32, 24) if width >= 500 else (16, 12)


def _color(path: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(SIZE_SEGMENT.sub("/", path).encode()).digest()  # size-blind
    return digest[0], digest[1], digest[2]


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(row * height, 9)),
            _png_chunk(b"IEND", b""),
        ]
    )


DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)  # ITU T.81 Table K.3
DC_VALS = tuple(range(12))
AC_BITS = (1,) + (0,) * 15  # a one-symbol table: only end-of-block is ever coded
AC_VALS = (0,)


def _huffman_codes(bits: tuple[int, ...], vals: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    codes: dict[int, tuple[int, int]] = {}
    code, k = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[vals[k]] = (code, length)
            code, k = code + 1, k + 1
        code <<= 1
    return codes


class _BitWriter:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value: int, length: int) -> None:
        self.acc = (self.acc << length) | (value & ((1 << length) - 1))
        self.n += length
        while self.n >= 8:
            self.n -= 8
            byte = (self.acc >> self.n) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)

    def flush(self) -> bytes:
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)
        return bytes(self.out)


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", marker, len(payload) + 2) + payload


def _jpeg_scan(blocks: int, dcs: list[int]) -> bytes:
    dc_codes, eob = _huffman_codes(DC_BITS, DC_VALS), _huffman_codes(AC_BITS, AC_VALS)[0]
    writer, previous = _BitWriter(), [0, 0, 0]
    for _ in range(blocks):
        for comp, value in enumerate(dcs):
            diff, previous[comp] = value - previous[comp], value
            size = abs(diff).bit_length()
            code, length = dc_codes[size]
            writer.put(code, length)
            if size:
                writer.put(diff if diff > 0 else diff + (1 << size) - 1, size)
            writer.put(*eob)
    return writer.flush()


def _jpeg(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """Baseline YCbCr JPEG of one flat colour (DC-only blocks, quantiser 1)."""
    r, g, b = rgb
    ycc = (
        0.299 * r + 0.587 * g + 0.114 * b,
        128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
        128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
    )
    dcs = [8 * (max(0, min(255, round(v))) - 128) for v in ycc]
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    comps = b"".join(bytes([i, 0x11, 0]) for i in (1, 2, 3))
    return b"".join(
        [
            b"\xff\xd8",
            _segment(0xFFE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xFFDB, b"\x00" + b"\x01" * 64),
            _segment(0xFFC0, struct.pack(">BHHB", 8, height, width, 3) + comps),
            _segment(0xFFC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALS)),
            _segment(0xFFC4, b"\x10" + bytes(AC_BITS) + bytes(AC_VALS)),
            _segment(0xFFDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00"),
            _jpeg_scan(blocks, dcs),
            b"\xff\xd9",
        ]
    )


def image_bytes(url: str) -> bytes:
    """A deterministic image for a URL: PNG for ``.png`` paths, else JPEG.

    The colour depends on the path without its size segment (thumbnail and original look
    alike); the pixel size depends on that segment: ``s0`` 96x72, ``s1000`` and up (or
    ``w1000``...) 80x60, 500-999 32x24, smaller 16x12, ``s72-c`` 8x8, none 24x16.
    """
    path = urlsplit(url).path
    match = SIZE_SEGMENT.search(path)
    width, height = _pixel_size(match.group(1) if match else None)
    if path.lower().endswith(".png"):
        return _png(width, height, _color(path))
    return _jpeg(width, height, _color(path))


if __name__ == "__main__":
    import sys
    from pathlib import Path

    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    blog = make_blog(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"blog-seed{seed}.xml").write_bytes(write_classic(blog))
    (out / f"feed-seed{seed}.atom").write_bytes(write_takeout(blog))
