"""Redirects from old addresses to their posts and pages.

Every post or page may list its old addresses in `Old-URLs:` (the Blogger import writes
them); with `REDIRECTS_BLOGGER_LABELS`, Blogger's label pages (`/search/label/<Label>`) lead
to the tag pages, with `REDIRECTS_BLOGGER_ARCHIVES` its year and month pages (`/2021/`,
`/2021/03/`) to the site's archives, and with `REDIRECTS_BLOGGER_FEEDS` Blogger's feed
addresses lead to the site's feeds. For each old page, the build writes a small page at the
old path (a link, a canonical URL and an instant refresh, for any static host), a
`_redirects` file (Netlify, Cloudflare Pages) and an nginx map, for hosts that can answer
with a real 301.
"""

import logging
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from pelican import signals
from pelican.generators import Generator

from pathways.plugin_support import old_urls
from pathways.views.rules import normalise_path

logger = logging.getLogger(__name__)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Moved</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{target}">
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body>
<p>This page has moved to <a href="{target}">{target}</a>.</p>
</body>
</html>
"""
# Where Blogger serves a blog's whole feed (Atom; `?alt=rss` for RSS).
BLOGGER_FEEDS = ("/feeds/posts/default", "/feeds/posts/summary", "/atom.xml")
FEED_SETTINGS = ("FEED_ALL_ATOM", "FEED_ALL_RSS", "TAG_FEED_ATOM")
NGINX_HEADER = (
    "# Old addresses and where they moved. In nginx's http block:\n"
    "#   map $uri $pathways_redirect { include /path/to/nginx-redirects.map; }\n"
    "# and in the server block:\n"
    "#   if ($pathways_redirect) { return 301 $pathways_redirect; }\n"
)


def redirect_pairs(context: dict, settings: dict) -> dict[str, str]:
    """Old path -> new URL, for every published post and page (and labels, if asked)."""
    siteurl = settings.get("SITEURL", "")
    pairs: dict[str, str] = {}
    for item in [*context.get("articles", []), *context.get("pages", [])]:
        for old in old_urls(item):
            pairs[normalise_path(old)] = f"{siteurl}/{item.url}"
    if settings["REDIRECTS_BLOGGER_LABELS"]:
        for tag, _ in context.get("tags", []):
            # Blogger's label address encodes the name whole (`/` and `&` too), and the
            # lower-case spelling of a label (merged into this one by the import) had its own.
            for name in dict.fromkeys((tag.name, tag.name.lower())):
                pairs[f"/search/label/{quote(name, safe='')}"] = f"{siteurl}/{tag.url}"
    if settings["REDIRECTS_BLOGGER_ARCHIVES"]:
        pairs.update(archive_pairs(context.get("articles", []), settings))
    return pairs


def archive_pairs(articles: list, settings: dict) -> dict[str, str]:
    """Blogger's archive of a year (`/2021/`) or a month (`/2021/03/`) in which posts were
    published -> this site's archive of it, when the site has such archives."""
    siteurl = settings.get("SITEURL", "")
    pairs = {}
    for article in articles:
        for blogger, archive in (("/{date:%Y}/", "YEAR"), ("/{date:%Y}/{date:%m}/", "MONTH")):
            if settings.get(f"{archive}_ARCHIVE_SAVE_AS"):
                url = settings[f"{archive}_ARCHIVE_URL"].format(date=article.date)
                pairs[blogger.format(date=article.date)] = f"{siteurl}/{url}"
    return pairs


def feed_pairs(context: dict, settings: dict) -> dict[str, str]:
    """Blogger's feed addresses -> this site's feeds, for hosts that answer with a 301 (a
    feed reader follows it and keeps the subscription; a page would mean nothing to it).
    A query (`?alt=rss`) is not part of the path compared: those go to the Atom feed."""
    # Pelican's own feed settings, which it leaves out of the settings when unset.
    atom, rss, tag_atom = (settings.get(name) for name in FEED_SETTINGS)
    if not (settings["REDIRECTS_BLOGGER_FEEDS"] and atom):
        return {}
    siteurl = settings.get("SITEURL", "")
    pairs = dict.fromkeys(BLOGGER_FEEDS, f"{siteurl}/{atom}")
    pairs["/rss.xml"] = f"{siteurl}/{rss or atom}"
    if tag_atom:
        for tag, _ in context.get("tags", []):
            pairs[f"/feeds/posts/default/-/{tag.name}"] = (
                f"{siteurl}/{tag_atom.format(slug=tag.slug)}"
            )
    return pairs


def page_file(output: Path, old_path: str) -> Path | None:
    """Where the redirect page for an old path goes; None if it would leave the output."""
    relative = old_path.lstrip("/")
    if not relative:
        return None
    name = relative if Path(relative).suffix in (".html", ".htm") else f"{relative}/index.html"
    path = (output / name).resolve()
    return path if output.resolve() in path.parents else None


class RedirectsGenerator(Generator):
    """Writes the redirect files after the posts and pages, never over a real page."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer: Any) -> None:
        # Written even when empty: the shipped nginx config includes the map.
        pairs = redirect_pairs(self.context, self.settings)
        output = Path(self.output_path)
        written = {}
        for old, target in sorted(pairs.items()):
            path = page_file(output, unquote(old))
            if path is None:
                logger.warning("Old URL %r cannot be redirected (outside the site)", old)
                continue
            if path.exists():
                logger.warning("Old URL %s is also a page of the site; not redirected", old)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(PAGE.format(target=escape(target, quote=True)), encoding="utf-8")
            written[old] = target
        for old, target in feed_pairs(self.context, self.settings).items():
            if not (output / old.lstrip("/")).exists():
                written[old] = target
        lines = [f"{_netlify(old)} {target} 301" for old, target in written.items()]
        (output / "_redirects").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (output / "nginx-redirects.map").write_text(
            NGINX_HEADER + "\n".join(nginx_lines(written)) + "\n", encoding="utf-8"
        )


def nginx_lines(pairs: dict[str, str]) -> list[str]:
    """The map's lines: nginx compares `$uri`, which it has percent-decoded, and compares
    the strings of a map without regard to case, so it refuses to start on two keys that
    differ only in case (a label's spellings): the first is kept, and a second leading
    elsewhere is named."""
    lines, kept = [], {}
    for old, target in pairs.items():
        key = unquote(old)
        first = kept.setdefault(key.lower(), (key, target))
        if first == (key, target):
            lines.append(f"{_nginx(key)} {_nginx(target)};")
        elif first[1] != target:
            logger.warning(
                "Old URLs %s and %s differ only in case, which nginx does not tell apart: "
                "both lead to %s there",
                first[0],
                key,
                first[1],
            )
    return lines


def _netlify(path: str) -> str:
    """The path as a browser sends it (UTF-8, percent-encoded where URLs require): Cloudflare
    Pages compares rules with the request's encoded path as they are written, and Netlify
    matches the encoded form too; a `%` already there is kept."""
    return quote(path, safe="/!$&'()*+,;=:@[]|~%")


def _nginx(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def get_generators(pelican: Any) -> type[Generator]:
    return RedirectsGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
