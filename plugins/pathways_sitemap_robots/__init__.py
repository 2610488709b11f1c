"""Write `sitemap.xml` (published posts and pages) and a `robots.txt` pointing at it.

Only for builds with an absolute `SITEURL`, as search engines need full addresses. Dates come
from the content (`Modified`, else `Date`), so two builds of the same content are identical.
"""

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pelican import signals

SITEMAP_HEADER = '<?xml version="1.0" encoding="utf-8"?>\n' + (
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
ROBOTS = "User-agent: *\nAllow: /\n\nSitemap: {siteurl}/sitemap.xml\n"


def _entry(siteurl: str, url: str, lastmod: Any) -> str:
    location = escape(f"{siteurl}/{url}")
    if lastmod is None:
        return f"  <url><loc>{location}</loc></url>\n"
    return f"  <url><loc>{location}</loc><lastmod>{lastmod.date().isoformat()}</lastmod></url>\n"


def _last_change(item: Any) -> Any:
    return getattr(item, "modified", None) or getattr(item, "date", None)


def write_sitemap(settings: dict, output: Path, articles: list, pages: list) -> None:
    """Write both files into `output`; a `robots.txt` of the writer's own (in extra/) wins."""
    siteurl = settings["SITEURL"]
    if not siteurl.startswith(("http://", "https://")):
        return
    newest = max((article.date for article in articles), default=None)
    entries = [_entry(siteurl, "", newest)]
    for item in sorted([*articles, *pages], key=lambda item: item.url):
        entries.append(_entry(siteurl, item.url, _last_change(item)))
    output.mkdir(parents=True, exist_ok=True)
    sitemap = SITEMAP_HEADER + "".join(entries) + "</urlset>\n"
    (output / "sitemap.xml").write_text(sitemap, encoding="utf-8")
    (output / "robots.txt").write_text(ROBOTS.format(siteurl=siteurl), encoding="utf-8")


def _on_generators_finalized(generators: list) -> None:
    articles, pages = [], []
    for generator in generators:
        articles += getattr(generator, "articles", [])
        pages += getattr(generator, "pages", [])
    first = generators[0]
    write_sitemap(first.settings, Path(first.output_path), articles, pages)


def register() -> None:
    signals.all_generators_finalized.connect(_on_generators_finalized)
