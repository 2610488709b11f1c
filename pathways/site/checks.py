"""Checks of a built site before readers see it; each problem names the file, line and fix.

- internal links, anchors (`#comment-…`, footnotes), images and assets resolve;
- every page passes the Nu HTML checker (vnu, when Java and the checker are installed);
- feeds parse (feedparser, no `bozo`) and carry full content with absolute URLs;
- `sitemap.xml` lists every published post and page and nothing else; `robots.txt` names it;
- no page loads anything from another site;
- images have alt text; posts have summaries; no draft leaked;
- with `external`, links to other sites answer (the only check that needs the network).
"""

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
from lxml import etree, html

CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
SKIPPED_SCHEMES = ("mailto:", "tel:", "data:")
ALT_HINT = "describe it in the Markdown's [brackets]"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class SiteChecker:
    def __init__(
        self, output: Path, settings: dict, vnu: Path | None = None, external: bool = False
    ) -> None:
        self.output = output.resolve()
        self.settings = settings
        self.siteurl = settings.get("SITEURL", "").rstrip("/")
        self.endpoint = settings["COMMENTS_ENDPOINT"].rstrip("/")
        self.vnu = vnu
        self.problems: list[Problem] = []
        self.external = external
        self.external_links: dict[str, tuple[Path, int | None]] = {}
        self._ids: dict[Path, set[str]] = {}
        self._documents: dict[Path, html.HtmlElement] = {}

    def report(self, path: Path | str, line: int | None, message: str) -> None:
        shown = path.relative_to(self.output) if isinstance(path, Path) else path
        self.problems.append(Problem(str(shown), line, message))

    def pages(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))

    def document(self, path: Path) -> html.HtmlElement:
        if path not in self._documents:
            self._documents[path] = html.parse(str(path)).getroot()
        return self._documents[path]

    def run(self) -> list[Problem]:
        for page in self.pages():
            self.check_page(page)
        for css in sorted(self.output.rglob("*.css")):
            self.check_stylesheet(css)
        self.check_feeds()
        self.check_sitemap()
        self.check_sources()
        self.check_html_validity()
        if self.external:
            self.check_external_links()
        return self.problems

    def local_target(self, page: Path, url: str) -> tuple[Path, str] | None:
        """The file and fragment an address points to on this site; None if elsewhere."""
        if url.startswith(SKIPPED_SCHEMES) or not url.strip():
            return None
        if self.endpoint and url.startswith(self.endpoint + "/"):
            return None  # the comment service answers there, even on the site's own domain
        if self.siteurl and url.startswith(self.siteurl + "/"):
            url = url[len(self.siteurl) :]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return None
        path = unquote(parts.path)
        if not path:
            return page, parts.fragment
        base = self.output if path.startswith("/") else page.parent
        target = (base / path.lstrip("/")).resolve()
        if target.is_dir() or path.endswith("/"):
            target = target / "index.html"
        return target, parts.fragment

    def ids(self, path: Path) -> set[str]:
        if path not in self._ids:
            root = self.document(path)
            self._ids[path] = {
                e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")
            }
            self._ids[path] |= {e.get("name") for e in root.iter("a") if e.get("name")}
        return self._ids[path]

    def check_page(self, page: Path) -> None:
        root = self.document(page)
        if root.find(".//meta[@http-equiv='refresh']") is not None:
            return
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in ("href", "src"):
                url = element.get(attribute)
                if url is None:
                    continue
                self.check_reference(page, element, attribute, url)
            if element.tag == "img" and not (element.get("alt") or "").strip():
                classes = element.get("class", "")
                if not (element.get("alt") == "" and "popular-thumb" in classes):
                    message = f"image {element.get('src')} has no alt text: {ALT_HINT}"
                    self.report(page, element.sourceline, message)
            if element.tag in ("iframe", "embed", "object"):
                self.report(
                    page,
                    element.sourceline,
                    f"<{element.tag}> embeds another site; link to it instead",
                )
            style = element.get("style") or (element.text if element.tag == "style" else "")
            for url in CSS_URL.findall(style or ""):
                self.check_origin(page, element.sourceline, url)
        if (
            self.settings.get("DRAFT_SAVE_AS") == ""
            and "/drafts/" in f"/{page.relative_to(self.output).as_posix()}"
        ):
            self.report(page, None, "a draft was published; remove the file or set Status")

    def check_reference(self, page: Path, element, attribute: str, url: str) -> None:
        fetched = element.tag in ("img", "script", "source", "audio", "video") or (
            element.tag == "link"
            and not {"alternate", "canonical"} & set((element.get("rel") or "").split())
        )
        if fetched:
            self.check_origin(page, element.sourceline, url)
        if element.tag == "form":
            return
        target = self.local_target(page, url)
        if target is None:
            if element.tag == "a" and url.startswith(("http://", "https://")):
                self.external_links.setdefault(url, (page, element.sourceline))
            return
        path, fragment = target
        if not path.exists():
            if self.output not in path.parents and path != self.output:
                return
            self.report(page, element.sourceline, f"{attribute}={url!r} points to a missing file")
            return
        if fragment and path.suffix == ".html" and unquote(fragment) not in self.ids(path):
            self.report(
                page,
                element.sourceline,
                f"{attribute}={url!r}: no element with id {fragment!r} there",
            )

    def check_origin(self, page: Path, line: int | None, url: str) -> None:
        parts = urlsplit(url)
        site = urlsplit(self.siteurl).netloc if self.siteurl else ""
        if parts.netloc and parts.netloc != site:
            self.report(page, line, f"loads {url} from another site; serve it from this site")

    def check_stylesheet(self, css: Path) -> None:
        text = css.read_text(encoding="utf-8")
        for url in CSS_URL.findall(text):
            self.check_origin(css, None, url)
        if "@font-face" in text:
            self.report(css, None, "uses a web font; the theme uses the system's fonts")

    def check_feeds(self) -> None:
        for name in ("FEED_ALL_ATOM", "FEED_ALL_RSS"):
            feed_path = self.settings.get(name)
            if not feed_path:
                continue
            path = self.output / feed_path
            if not path.exists():
                self.report(str(feed_path), None, "the feed is missing from the build")
                continue
            feed = feedparser.parse(path.read_bytes())
            if feed.bozo:
                self.report(path, None, f"the feed does not parse: {feed.bozo_exception}")
            for entry in feed.entries:
                if not entry.get("link", "").startswith(("http://", "https://")):
                    self.report(path, None, f"entry {entry.get('title')!r} has no absolute link")
                body = entry.content[0].value if entry.get("content") else entry.get("summary", "")
                for url in re.findall(r'(?:href|src)="([^"]+)"', body):
                    if url.startswith("/") or url.startswith("{"):
                        self.report(
                            path, None, f"entry {entry.get('title')!r} links {url!r}: not absolute"
                        )

    def published(self) -> list[dict]:
        index = self.output / self.settings["COMMENTS_INDEX_SAVE_AS"]
        return (
            list(json.loads(index.read_text()).get("posts", {}).values()) if index.exists() else []
        )

    def check_sitemap(self) -> None:
        if not self.siteurl.startswith(("http://", "https://")):
            return
        sitemap = self.output / "sitemap.xml"
        if not sitemap.exists():
            self.report("sitemap.xml", None, "missing: is the sitemap_robots plugin enabled?")
            return
        listed = {loc.text for loc in etree.parse(str(sitemap)).iter("{*}loc")}
        expected = {f"{self.siteurl}/"} | {
            f"{self.siteurl}/{post['url']}" for post in self.published()
        }
        for url in sorted(expected - listed):
            self.report("sitemap.xml", None, f"does not list {url}")
        for url in sorted(listed):
            target = self.local_target(self.output / "index.html", url)
            if target is None or not target[0].exists():
                self.report("sitemap.xml", None, f"lists {url}, which is not in the build")
            elif (
                "/drafts/" in url
                or self.document(target[0]).find(".//meta[@name='robots']") is not None
            ):
                self.report("sitemap.xml", None, f"lists {url}, which is not meant to be indexed")
        robots = self.output / "robots.txt"
        if not robots.exists() or f"Sitemap: {self.siteurl}/sitemap.xml" not in robots.read_text():
            self.report("robots.txt", None, "missing, or does not point at sitemap.xml")

    def check_sources(self) -> None:
        """Posts without a Summary: listings and search results then show a cut-off start."""
        content = Path(self.settings["PATH"])
        for paths in self.settings.get("ARTICLE_PATHS", []):
            for post in sorted((content / paths).rglob("*.md")):
                header = post.read_text(encoding="utf-8").split("\n\n", 1)[0].lower()
                if "status: draft" in header:
                    continue
                if not re.search(r"^summary:\s*\S", header, re.MULTILINE):
                    self.report(str(post), 1, "no Summary: add one or two sentences for listings")

    def check_html_validity(self) -> None:
        if self.vnu is None or not self.vnu.exists() or not shutil.which("java"):
            self.report(
                "(site)", None, "HTML not validated: needs Java and the Nu checker (npm ci)"
            )
            return
        result = subprocess.run(
            [
                "java",
                "-jar",
                str(self.vnu),
                "--skip-non-html",
                "--errors-only",
                "--format",
                "gnu",
                str(self.output),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        for line in (result.stderr + result.stdout).splitlines():
            match = re.match(
                r'"?file:(?P<path>[^"]+)"?:(?P<line>\d+)[.\d-]*: error: (?P<message>.*)', line
            )
            if match:
                self.report(
                    Path(match["path"]), int(match["line"]), f"invalid HTML: {match['message']}"
                )
            elif line.strip():
                self.report("(site)", None, f"HTML checker: {line.strip()}")

    def check_external_links(self) -> None:
        """Links to other sites answer (only when asked: it needs the network)."""
        for url, (page, line) in sorted(self.external_links.items()):
            request = urllib.request.Request(
                url, method="HEAD", headers={"User-Agent": "pathways-check"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10):
                    pass
            except urllib.error.HTTPError as error:
                if error.code in (403, 405, 429):
                    continue  # the site is there; it only dislikes robots or HEAD
                self.report(page, line, f"link to {url} answers {error.code}")
            except (OSError, ValueError) as error:
                self.report(page, line, f"link to {url} does not answer ({error})")


def check_site(
    output: Path, settings: dict, vnu: Path | None = None, external: bool = False
) -> list[Problem]:
    return SiteChecker(output, settings, vnu, external).run()
