"""Checks of a built site before readers see it; each problem names the file, line and fix.

- internal links, anchors (`#comment-…`, footnotes), images and assets resolve;
- every page passes the Nu HTML checker (vnu, when Java and the checker are installed);
- feeds parse (feedparser, no `bozo`) and carry full content with absolute URLs;
- `sitemap.xml` lists every published post and page and nothing else; `robots.txt` names it;
- no page loads anything from another site;
- images have alt text; posts have summaries; no draft leaked;
- the live addresses in the settings are not loopback or placeholder ones;
- with `external`, links to other sites answer (the only check that needs the network).

A problem in what the writer wrote (a post's link, a comment's image) names the Markdown file
and its line; one in the theme's markup names the built page.
"""

import ipaddress
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
from lxml import etree, html

from pathways import PROJECT_ROOT
from pathways.blogger.images import BLOGGER_IMAGE_HOSTS, is_on_host
from pathways.site.newpost import placeholder_summary
from pathways.site.photo_locations import location_problems
from pathways.site.problems import Kind, Problem, Severity
from pathways.site.sources import COMMENT_ANCHOR, Sources, front_matter, line_of

# The Nu HTML checker, installed with npm (package.json) by `make check` and `make test`:
# in the blog's folder, or in this source tree.
VNU_IN_FOLDER = Path("node_modules", "vnu-jar", "build", "dist", "vnu.jar")
VNU = PROJECT_ROOT / VNU_IN_FOLDER


def vnu_for(settings_file: Path) -> Path:
    """The HTML checker of the blog whose settings are `settings_file` (the one npm installed
    in its folder), else this tree's."""
    own = settings_file.resolve().parent / VNU_IN_FOLDER
    return own if own.exists() else VNU


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
SKIPPED_SCHEMES = ("mailto:", "tel:", "data:")
ALT_HINT = "describe it in the Markdown's [brackets]"
ON_BLOGGER_HINT = (
    "run `pathways import blogger` again without --no-images to download it (for a post you "
    "edited since, it says what to write in its place)"
)
# The Nu checker's --format gnu lines: "file:/path":line.column-line.column: error: message
VNU_ERROR = re.compile(
    r'"?file:(?P<path>[^"]+)"?:(?P<line>\d+)(?:\.(?P<start>\d+))?'
    r"(?:-(?P<end_line>\d+)\.(?P<end>\d+))?: error: (?P<message>.*)"
)
# Host names kept for documentation and tests (RFC 2606 and 6761): never a live site.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")
PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")
LIVE_ADDRESSES = ("SITEURL", "COMMENTS_ENDPOINT")


def placeholder_or_loopback(url: str) -> str | None:
    """What `url` is instead of a live address ("a loopback", "a placeholder"), or None."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return "a loopback"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and (address.is_loopback or address.is_unspecified):
        return "a loopback"
    if host in PLACEHOLDER_DOMAINS or host.endswith(
        tuple(f".{d}" for d in PLACEHOLDER_DOMAINS) + PLACEHOLDER_SUFFIXES
    ):
        return "a placeholder"
    return None


def draft_prefix(settings: dict) -> str | None:
    """The folder drafts would be written to (from `DRAFT_URL`), when this build must not
    write any (`DRAFT_SAVE_AS` is empty)."""
    if settings["DRAFT_SAVE_AS"]:
        return None
    prefix = settings["DRAFT_URL"].split("{", 1)[0].strip("/")
    return f"{prefix}/" if prefix else None


class SiteChecker:
    def __init__(
        self,
        output: Path,
        settings: dict,
        vnu: Path | None = None,
        external: bool = False,
        settings_file: Path | None = None,
    ) -> None:
        self.output = output.resolve()
        self.settings = settings
        self.settings_name = settings_file.name if settings_file else "the settings"
        self.settings_file = settings_file
        self.siteurl = settings["SITEURL"].rstrip("/")
        self.endpoint = settings["COMMENTS_ENDPOINT"].rstrip("/")
        self.vnu = vnu
        self.problems: list[Problem] = []
        self.external = external
        self.external_links: dict[str, tuple[Path, html.HtmlElement]] = {}
        self.sources = Sources(settings)
        self.drafts = draft_prefix(settings)
        self._ids: dict[Path, set[str]] = {}
        self._documents: dict[Path, html.HtmlElement] = {}

    def report(
        self,
        path: Path | str,
        line: int | None,
        message: str,
        kind: Kind,
        severity: Severity = Severity.ERROR,
    ) -> None:
        shown = path.relative_to(self.output) if isinstance(path, Path) else path
        self.problems.append(Problem(str(shown), line, message, kind, severity))

    def report_at(self, page: Path, element, message: str, kind: Kind, needle: str) -> None:
        """A problem found in `element` of a built page: named by the post, page or comment
        file that holds `needle` when the writer wrote it there, else by the built page."""
        built = page.relative_to(self.output).as_posix()
        anchors = [a.get("id") for a in element.iterancestors() if a.get("id")]
        source = self.sources.source(built, [a for a in anchors if COMMENT_ANCHOR.match(a)])
        line = None
        if source and needle:
            # A link into the site is written from its root ({static}/images/x.jpg) in the
            # Markdown and with SITEURL in the production page.
            own = needle.startswith(f"{self.siteurl}/") and unquote(needle[len(self.siteurl) :])
            line = line_of(source, needle) or (line_of(source, own) if own else None)
        if source is None or line is None:
            self.report(page, element.sourceline, message, kind)
            return
        self.problems.append(Problem(str(source), line, message, kind, page=built))

    def pages(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))

    def document(self, path: Path) -> html.HtmlElement:
        if path not in self._documents:
            self._documents[path] = html.parse(str(path)).getroot()
        return self._documents[path]

    def built_for_production(self) -> bool:
        """Whether the output was built with these (production) settings: its home page
        links its own absolute address. A preview build links relative ones."""
        if not self.siteurl.startswith(("http://", "https://")):
            return True
        home = self.document(self.output / "index.html")
        return any(
            (element.get("href") or "").startswith(f"{self.siteurl}/")
            for element in home.iter("a", "link")
        )

    def check_secrets(self) -> None:
        """A password in a settings file is committed with the site: it belongs in the
        service's environment (`pathways comments secret`)."""
        for name, value in sorted(self.settings.items()):
            if not (name.isupper() and isinstance(value, dict)):
                continue
            for key, secret in value.items():
                if "password" in str(key).lower() and secret:
                    line = line_of(self.settings_file, "password") if self.settings_file else None
                    message = (
                        f"{name} holds a {key!r}: a password in a settings file is committed "
                        "with the site. Remove it, and on the server run `sudo "
                        "/srv/pathways/.venv/bin/pathways comments secret smtp-password`"
                    )
                    self.report(self.settings_name, line, message, Kind.SECRET)

    def run(self) -> list[Problem]:
        self.check_secrets()
        if not self.built_for_production():
            self.report(
                str(self.output),
                None,
                f"this is a preview build, not one made with {self.settings_name} (its pages do "
                f"not use SITEURL {self.siteurl}): run make check, which builds for production "
                "first",
                Kind.PREVIEW_BUILD,
            )
            return self.problems
        self.check_addresses()
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
                classes = set(element.get("class", "").split())
                decorative = set(self.settings["CHECK_DECORATIVE_IMAGE_CLASSES"])
                if not (element.get("alt") == "" and classes & decorative):
                    src = element.get("src") or ""
                    message = f"image {src} has no alt text: {ALT_HINT}"
                    self.report_at(page, element, message, Kind.NO_ALT, src)
            if element.tag in ("iframe", "embed", "object"):
                self.report_at(
                    page,
                    element,
                    f"<{element.tag}> embeds another site; link to it instead",
                    Kind.EMBED,
                    element.get("src") or element.get("data") or "",
                )
            style = element.get("style") or (element.text if element.tag == "style" else "")
            for url in CSS_URL.findall(style or ""):
                self.check_origin(page, element, url)
        if self.drafts and page.relative_to(self.output).as_posix().startswith(self.drafts):
            self.report(
                page, None, "a draft was published; remove the file or set Status", Kind.DRAFT
            )

    def check_reference(self, page: Path, element, attribute: str, url: str) -> None:
        fetched = element.tag in ("img", "script", "source", "audio", "video") or (
            element.tag == "link"
            and not {"alternate", "canonical"} & set((element.get("rel") or "").split())
        )
        if fetched:
            self.check_origin(page, element, url)
        if element.tag == "form":
            return
        target = self.local_target(page, url)
        if target is None:
            if element.tag == "a" and url.startswith(("http://", "https://")):
                self.external_links.setdefault(url, (page, element))
            return
        path, fragment = target
        if not path.exists():
            if self.output not in path.parents and path != self.output:
                return
            message = f"{attribute}={url!r} points to a missing file"
            self.report_at(page, element, message, Kind.MISSING_FILE, url)
            return
        if fragment and path.suffix == ".html" and unquote(fragment) not in self.ids(path):
            message = f"{attribute}={url!r}: no element with id {fragment!r} there"
            self.report_at(page, element, message, Kind.MISSING_ANCHOR, url)

    def is_elsewhere(self, url: str) -> bool:
        parts = urlsplit(url)
        site = urlsplit(self.siteurl).netloc if self.siteurl else ""
        return bool(parts.netloc) and parts.netloc != site

    def check_origin(self, page: Path, element, url: str) -> None:
        if not self.is_elsewhere(url):
            return
        if is_on_host(url, BLOGGER_IMAGE_HOSTS):
            message = f"image {url} is still on Blogger: {ON_BLOGGER_HINT}"
            self.report_at(page, element, message, Kind.ON_BLOGGER, url)
            return
        message = f"loads {url} from another site; serve it from this site"
        self.report_at(page, element, message, Kind.THIRD_PARTY, url)

    def check_stylesheet(self, css: Path) -> None:
        text = css.read_text(encoding="utf-8")
        for url in CSS_URL.findall(text):
            if self.is_elsewhere(url):
                message = f"loads {url} from another site; serve it from this site"
                self.report(css, None, message, Kind.THIRD_PARTY)
        if "@font-face" in text:
            message = "uses a web font; the theme uses the system's fonts"
            self.report(css, None, message, Kind.WEB_FONT)

    def check_addresses(self) -> None:
        """The live site's addresses: a preview's loopback comment service or the sample's
        placeholder address would be published as they are."""
        if not self.settings["CHECK_LIVE_ADDRESSES"]:
            return
        if not self.siteurl.startswith(("http://", "https://")):
            self.report(
                self.settings_name,
                None,
                f"SITEURL is {self.siteurl!r}: set it to the site's public address "
                "(https://…) in the production settings",
                Kind.ADDRESS,
            )
        for name in LIVE_ADDRESSES:
            value = self.settings[name]
            wrong = placeholder_or_loopback(value) if value else None
            if wrong:
                self.report(
                    self.settings_name,
                    None,
                    f"{name} is {value}, {wrong} address: set {name} to its public address "
                    "in the production settings",
                    Kind.ADDRESS,
                )

    def check_feeds(self) -> None:
        for name in ("FEED_ALL_ATOM", "FEED_ALL_RSS"):
            feed_path = self.settings.get(name)
            if not feed_path:
                continue
            path = self.output / feed_path
            if not path.exists():
                self.report(str(feed_path), None, "the feed is missing from the build", Kind.FEED)
                continue
            feed = feedparser.parse(path.read_bytes())
            if feed.bozo:
                message = f"the feed does not parse: {feed.bozo_exception}"
                self.report(path, None, message, Kind.FEED)
            for entry in feed.entries:
                if not entry.get("link", "").startswith(("http://", "https://")):
                    message = f"entry {entry.get('title')!r} has no absolute link"
                    self.report(path, None, message, Kind.FEED)
                body = entry.content[0].value if entry.get("content") else entry.get("summary", "")
                for url in re.findall(r'(?:href|src)="([^"]+)"', body):
                    if url.startswith("/") or url.startswith("{"):
                        message = f"entry {entry.get('title')!r} links {url!r}: not absolute"
                        self.report(path, None, message, Kind.FEED)

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
            message = "missing: is the sitemap_robots plugin enabled?"
            self.report("sitemap.xml", None, message, Kind.SITEMAP)
            return
        listed = {loc.text for loc in etree.parse(str(sitemap)).iter("{*}loc")}
        expected = {f"{self.siteurl}/"} | {
            f"{self.siteurl}/{post['url']}" for post in self.published()
        }
        for url in sorted(expected - listed):
            self.report("sitemap.xml", None, f"does not list {url}", Kind.SITEMAP)
        for url in sorted(listed):
            target = self.local_target(self.output / "index.html", url)
            if target is None or not target[0].exists():
                message = f"lists {url}, which is not in the build"
                self.report("sitemap.xml", None, message, Kind.SITEMAP)
            elif (self.drafts and url.startswith(f"{self.siteurl}/{self.drafts}")) or self.document(
                target[0]
            ).find(".//meta[@name='robots']") is not None:
                message = f"lists {url}, which is not meant to be indexed"
                self.report("sitemap.xml", None, message, Kind.SITEMAP)
        robots = self.output / "robots.txt"
        if not robots.exists() or f"Sitemap: {self.siteurl}/sitemap.xml" not in robots.read_text():
            message = "missing, or does not point at sitemap.xml"
            self.report("robots.txt", None, message, Kind.SITEMAP)

    def check_sources(self) -> None:
        """Posts without a Summary: listings and search results then show a cut-off start."""
        for post in self.sources.markdown_files("ARTICLE_PATHS"):
            meta = front_matter(post.read_text(encoding="utf-8"))
            if meta.get("status", "").lower() == "draft":
                continue
            if not meta.get("summary"):
                message = "no Summary: add one or two sentences for listings"
                self.report(str(post), 1, message, Kind.NO_SUMMARY)
            elif meta["summary"] == placeholder_summary(meta.get("title", "")):
                message = (
                    "the Summary is still the one `make new` wrote: say in a sentence or two "
                    "what the post is about (listings, search results and shares show it)"
                )
                self.report(str(post), line_of(post, "Summary:"), message, Kind.NO_SUMMARY)

    def check_html_validity(self) -> None:
        if self.vnu is None or not self.vnu.exists() or not shutil.which("java"):
            self.report(
                "(site)",
                None,
                "HTML not validated: needs Java and the Nu checker (npm ci)",
                Kind.NOT_VALIDATED,
                Severity.WARNING,
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
            match = VNU_ERROR.match(line)
            if match:
                self.report_invalid_html(match)
            elif line.strip():
                self.report("(site)", None, f"HTML checker: {line.strip()}", Kind.INVALID_HTML)

    def report_invalid_html(self, match: re.Match) -> None:
        """An error of the Nu checker: named by the post or page whose Markdown holds the
        markup it points at (minified pages are one long line), else by the built page."""
        page, line = Path(match["path"]), int(match["line"])
        message = f"invalid HTML: {match['message']}"
        built = page.relative_to(self.output).as_posix()
        source = self.sources.source(built, [])
        markup = ""
        if source and match["start"] and match["end"] and match["line"] == match["end_line"]:
            lines = page.read_text(encoding="utf-8", errors="replace").splitlines()
            markup = lines[line - 1][int(match["start"]) - 1 : int(match["end"])].strip()
        found = line_of(source, markup) if source and markup else None
        if found is None:
            self.report(page, line, message, Kind.INVALID_HTML)
            return
        self.problems.append(Problem(str(source), found, message, Kind.INVALID_HTML, page=built))

    def check_external_links(self) -> None:
        """Links to other sites answer (only when asked: it needs the network)."""
        for url, (page, element) in sorted(self.external_links.items()):
            request = urllib.request.Request(
                url, method="HEAD", headers={"User-Agent": "pathways-check"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10):
                    pass
            except urllib.error.HTTPError as error:
                if error.code in (403, 405, 429):
                    continue  # the site is there; it only dislikes robots or HEAD
                message = f"link to {url} answers {error.code}"
                self.report_at(page, element, message, Kind.EXTERNAL_LINK, url)
            except (OSError, ValueError) as error:
                message = f"link to {url} does not answer ({error})"
                self.report_at(page, element, message, Kind.EXTERNAL_LINK, url)


def check_site(
    output: Path,
    settings: dict,
    vnu: Path | None = None,
    external: bool = False,
    settings_file: Path | None = None,
) -> list[Problem]:
    problems = SiteChecker(output, settings, vnu, external, settings_file).run()
    return problems + location_problems(Path(settings["PATH"]))
