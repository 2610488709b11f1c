"""Move a Blogger blog into the site: posts, pages, drafts, labels, comments, photos, old URLs.

`import_blogger()` reads the export, downloads the photos it needs (a few at a time), plans
every file, then writes them (or, in a dry run, only reports). Dates are written to the
second in the site's `TIMEZONE`. What the import wrote is recorded with a hash per file in
`content/.blogger-import.json`, so a later run may update the files it wrote and the writer
left alone, and never touches a file the writer changed or that was there before. A comment
is never dropped for a bad field (the field is dropped and the comment kept) nor for its
length, and a reply whose parent is not imported is kept at the top of its thread: an import
never leaves content that stops the build. Posts are planned oldest first, so each decision
(which of two posts keeps a slug) is the same from either export format.
"""

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from pathways.blogger.export import DRAFT, LIVE, SCHEDULED, Entry, Export, read_export
from pathways.blogger.html_to_markdown import (
    convert,
    images_as_links,
    inert,
    photos,
    plain_text,
)
from pathways.blogger.images import BLOGGER_IMAGE_HOSTS, download_all, is_on_host, original_url
from pathways.comments.model import (
    BIDI_CONTROLS,
    DANGEROUS,
    MAX_AUTHOR,
    Comment,
    CommentError,
    clean_line,
    comment_path,
    format_comment,
    is_valid_id,
    make_comment,
)
from pathways.comments.settings import COMMENTS
from pathways.files import write_whole

PROFILE_HOSTS = ("www.blogger.com", "blogger.com", "draft.blogger.com")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".bmp"}
MANIFEST = ".blogger-import.json"
NO_ALT = "![]("
LABEL_MARKS = str.maketrans(",;<>", "    ")
LABEL_PAGE = "/search/label/"
# Blogger's link to one comment: `…/post.html?showComment=1684…#c5001`.
COMMENT_FRAGMENT = re.compile(r"c(\d+)")


@dataclass
class ImportOptions:
    content: Path
    comments_path: str = COMMENTS.defaults()["COMMENTS_PATH"]
    timezone: str = "UTC"
    keep_blogger_urls: bool = False
    download_images: bool = True
    image_hosts: tuple[str, ...] = BLOGGER_IMAGE_HOSTS
    dry_run: bool = False
    update: bool = False
    timeout: float = 10.0
    progress: Callable[[str, int], Callable[[], None]] | None = None


@dataclass
class Report:
    """What an import did, for the summary printed at the end."""

    format: str = ""
    export: Export | None = None
    written: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: int = 0
    kept_edited: list[str] = field(default_factory=list)
    # Per post left alone: (Blogger address it still shows, the downloaded photo to use).
    photos_to_relink: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    kept_foreign: list[str] = field(default_factory=list)
    kept_removed: list[str] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    skipped_named: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    image_failures: dict[str, str] = field(default_factory=dict)
    images_remote: list[str] = field(default_factory=list)
    images_downloaded: int = 0
    image_retries: int = 0
    missing_alt: list[str] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        verb = "Would write" if dry_run else "Wrote"
        done = ", ".join(_counted(count, kind) for kind, count in sorted(self.written.items()))
        lines = [f"Blogger export ({self.format} format). {verb}: {done or 'nothing'}."]
        if self.export is not None:
            lines += [f"Repaired: {repair}." for repair in self.export.repairs]
        if self.updated:
            changed = ", ".join(
                _counted(count, kind) for kind, count in sorted(self.updated.items())
            )
            verb = "Would update" if dry_run else "Updated"
            lines.append(f"{verb} (written by an earlier import, unchanged since): {changed}.")
        if self.unchanged:
            lines.append(f"Unchanged (already imported): {self.unchanged} files.")
        if self.images_downloaded:
            retries = f" ({self.image_retries} retries)" if self.image_retries else ""
            lines.append(f"Photos downloaded: {self.images_downloaded}{retries}.")
        if self.skipped:
            parts = ", ".join(f"{count} {why}" for why, count in sorted(self.skipped.items()))
            lines.append(f"Skipped: {parts}.")
            lines += [f"  {what}" for what in self.skipped_named]
        for path in self.kept_foreign:
            lines.append(
                f"Not imported: {path} was already there and was not written by the import; "
                "it is left as it is (move it away and run again to import Blogger's version)."
            )
        for path in self.kept_edited:
            lines.append(f"Left alone: {path} (you changed it after it was imported).")
            for remote, local in self.photos_to_relink.get(path, []):
                lines.append(f"  It still shows {remote}: write {local} there instead.")
        for path in self.kept_removed:
            lines.append(f"Not written again: {path} (you removed it after it was imported).")
        if self.outdated:
            lines.append(
                f"Changed on Blogger since the last import: {len(self.outdated)} files; "
                "run again with --update to take the new versions:"
            )
            lines += [f"  {path}" for path in self.outdated]
        lines += [f"Warning: {warning}" for warning in self.warnings]
        if self.image_failures:
            lines.append("Photos that could not be downloaded (run the import again to retry):")
            lines += [f"  {url}: {why}" for url, why in self.image_failures.items()]
        if self.images_remote:
            lines.append(
                f"{len(self.images_remote)} photos are still on Blogger (--no-images); "
                "the site only shows its own images, so `make check` lists them until an import "
                "without --no-images downloads them."
            )
        if self.missing_alt:
            lines.append(
                f"Images without a description ({len(self.missing_alt)}): write what each shows "
                "between the [ ] of ![](…) so that readers who cannot see it know:"
            )
            lines += [f"  {where}" for where in self.missing_alt]
        return lines


@dataclass
class PlannedFile:
    path: Path
    data: bytes
    kind: str
    source: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Content:
    """A post or page as planned, before its body is written."""

    entry: Entry
    slug: str
    title: str
    folder: str


def _label(value: str) -> str:
    """A Blogger label as a tag: one line, without what separates tags (`,` `;`) or could
    start markup (`<` `>`)."""
    return " ".join(clean_line(value).translate(LABEL_MARKS).split())


def _tag_slug(name: str) -> str:
    """A tag's slug, as Pelican makes it by default."""
    return slugify(name, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def _by_date(entry: Entry) -> tuple:
    """Oldest first (undated last), then by id: the same order from either format."""
    moment = entry.published
    return (moment is None, moment.timestamp() if moment else 0, entry.id)


def _digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _source(text: str, local_photos: dict[str, str]) -> str:
    """A fingerprint of what the export says, whether or not its photos are downloaded yet:
    the file's text with every local photo address put back to Blogger's."""
    for local, remote in local_photos.items():
        text = text.replace(local, remote)
    return _digest(text)


def _profile(uri: str) -> str | None:
    """The Blogger profile a link names (`/profile/<id>`), whatever its scheme."""
    parts = urlsplit(uri.strip())
    if (parts.hostname or "") in PROFILE_HOSTS and parts.path.startswith("/profile/"):
        return parts.path.rstrip("/")
    return None


def _same_profile(one: str, other: str) -> bool:
    """Whether two links name the same Blogger profile: the post's author answering on her
    own post."""
    profile = _profile(one)
    return profile is not None and profile == _profile(other)


def _website(uri: str) -> tuple[str | None, bool]:
    """The commenter's website to keep, and whether a value was dropped as unusable."""
    value = uri.strip()
    if not value:
        return None, False
    parts = urlsplit(value)
    if (parts.hostname or "") in PROFILE_HOSTS:
        return None, False  # a Blogger profile: not necessarily public
    usable = (
        value.isprintable()
        and not any(ch.isspace() for ch in value)
        and parts.scheme in ("http", "https")
        and parts.hostname
        and "@" not in parts.netloc
    )
    return (value, False) if usable else (None, True)


class BloggerImport:
    """One import run: reads the export, fetches photos, plans files, then writes them."""

    def __init__(self, export: Path, options: ImportOptions) -> None:
        self.export_path = export
        self.options = options
        self.zone = ZoneInfo(options.timezone)
        self.report = Report()
        self.files: list[PlannedFile] = []
        # Slugs taken, with the post or page that took each.
        self.slugs: dict[str, dict[str, str]] = {"post": {}, "page": {}}
        # The one spelling of each label, by its lower-case form.
        self.tags: dict[str, str] = {}
        self.shown_tags: set[str] = set()
        # The comments imported, as (post slug, comment id).
        self.kept_comments: set[tuple[str, str]] = set()
        self.photo_paths: dict[str, Path] = {}
        self.taken_paths: set[Path] = set()
        self.manifest_path = options.content / MANIFEST
        self.manifest: dict[str, dict[str, str]] = self._read_manifest()
        # Blogger path of each published post or page -> the post or page as planned.
        self.moved: dict[str, Content] = {}

    def _progress(self, label: str, total: int) -> Callable[[], None]:
        if self.options.progress is None:
            return lambda: None
        return self.options.progress(label, total)

    def run(self) -> Report:
        export = read_export(self.export_path)
        self.report.format, self.report.export = export.format, export
        items = [entry for entry in export.entries if entry.kind in ("post", "page")]
        self.tags = self._tag_names(items)
        contents: list[Content] = []
        # Oldest first: of two posts that want the same slug, the older keeps it.
        for entry in sorted(items, key=_by_date):
            planned = self.plan_content(entry)
            if planned is not None:
                contents.append(planned)
        available = self.fetch_photos()
        # Labels with a tag page on the site: those of the posts published now.
        self.shown_tags = {
            _label(label).casefold()
            for content in contents
            if content.entry.kind == "post" and content.entry.status == LIVE
            for label in content.entry.labels
        }
        self.moved = {
            content.entry.path: content
            for content in contents
            if content.entry.path and content.entry.status == LIVE
        }
        comments = [entry for entry in export.entries if entry.kind == "comment"]
        step = self._progress("Converting posts and comments", len(contents) + len(comments))
        # Comments first: a post's link to one of them keeps its place only if it is there.
        slugs = {content.entry.id: (content.slug, content.title) for content in contents}
        by_id = {entry.id: entry for entry in export.entries}
        by_short = {entry.short_id: entry for entry in export.entries}
        planned_comments = []
        for entry in comments:
            planned_comments += self.plan_comment(entry, by_id, by_short, slugs)
            step()
        self.write_comments(planned_comments)
        for content in contents:
            self.write_content(content, available)
            step()
        self.write()
        return self.report

    def _local(self, moment: datetime) -> datetime:
        return moment.replace(microsecond=0).astimezone(self.zone)

    def _date_text(self, moment: datetime) -> str:
        return self._local(moment).isoformat(sep=" ")

    def _skip(self, entry: Entry, where: str) -> bool:
        if entry.status not in (LIVE, DRAFT, SCHEDULED):
            self.report.skipped[f"{entry.status} {entry.kind}s"] += 1
            self.report.skipped_named.append(f"{entry.status} {where}")
            return True
        return False

    def _tag_names(self, items: list[Entry]) -> dict[str, str]:
        """The one spelling of each label (by its lower-case form) among labels that differ
        only in case: the most used of those with capitals, so that Blogger's lower-case
        address of the label still finds its tag page."""
        used: dict[str, Counter] = {}
        for entry in items:
            if entry.kind == "post" and entry.status in (LIVE, DRAFT, SCHEDULED):
                for label in filter(None, map(_label, entry.labels)):
                    used.setdefault(label.casefold(), Counter())[label] += 1
        names = {}
        for key, spellings in used.items():
            names[key] = min(
                spellings, key=lambda name: (name == name.lower(), -spellings[name], name)
            )
            if len(spellings) > 1:
                others = " and ".join(repr(name) for name in sorted(spellings))
                self.report.warnings.append(
                    f"labels {others} differ only in case; all are written {names[key]!r}"
                )
        return names

    def _unique_slug(self, kind: str, wanted: str, where: str) -> str:
        slug, number = wanted, 2
        while slug in self.slugs[kind]:
            slug = f"{wanted}-{number}"
            number += 1
        self.slugs[kind][slug] = where
        if slug != wanted:
            self.report.warnings.append(
                f"{where}: slug {wanted!r} is taken by {self.slugs[kind][wanted]}, published "
                f"before it; using {slug!r}"
            )
        return slug

    def _schedule(self, entry: Entry, where: str) -> None:
        """A post Blogger holds for a later time (in Takeout, SCHEDULED; in the classic file,
        a draft dated in the future): still to come, it stays scheduled (the site shows it
        from its date on); its time past, it never went out on Blogger: a draft."""
        future = entry.published > datetime.now(UTC)
        if entry.kind != "post" or not (
            entry.status == SCHEDULED or (entry.status == DRAFT and future)
        ):
            return
        when = f"{self._local(entry.published):%Y-%m-%d %H:%M}"
        if future:
            entry.status = SCHEDULED
            self.report.warnings.append(
                f"{where}: scheduled on Blogger for {when}; it stays scheduled (the site "
                "shows it from then on)"
            )
        elif entry.status == SCHEDULED:
            entry.status = DRAFT
            self.report.warnings.append(
                f"{where}: scheduled on Blogger for {when}, which has passed without it going "
                "out there; imported as a draft (remove its `Status: draft` to publish it)"
            )

    def plan_content(self, entry: Entry) -> Content | None:
        """A post's or page's slug, title and photos; None if it is not imported."""
        where = f"{entry.kind} {entry.path or repr(entry.title or entry.id)}"
        if self._skip(entry, where):
            return None
        if entry.published is None:
            self.report.warnings.append(f"{where}: no valid date; not imported")
            self.report.skipped[f"undated {entry.kind}s"] += 1
            return None
        self._schedule(entry, where)
        title = entry.title
        if not title:
            local = self._local(entry.published)
            title = f"Untitled, {local:%B} {local.day}, {local.year}"
            self.report.warnings.append(f"{where}: no title; named {title!r}")
        stem = PurePosixPath(entry.path).stem if entry.path else ""
        wanted = slugify(stem or title, regex_subs=[(r"[^\w\s-]", ""), (r"[-\s]+", "-")])
        wanted = wanted or f"{entry.kind}-{entry.short_id}"
        slug = self._unique_slug(entry.kind, wanted, where)
        if not entry.html.strip():
            self.report.warnings.append(f"{where}: empty body")
        if "<script" in entry.html.lower():
            self.report.warnings.append(
                f"{where}: a script in it was removed (the site runs no script from a post)"
            )
        for src, link in photos(entry.html):
            original = self._original(src, link)
            if original is not None and original not in self.photo_paths:
                self.photo_paths[original] = self._photo_path(original, slug)
        return Content(entry, slug, title, "posts" if entry.kind == "post" else "pages")

    def _original(self, src: str, link: str | None) -> str | None:
        """The address of the photo's original if Blogger hosts it, else None."""
        hosts = self.options.image_hosts
        if is_on_host(src, hosts) or (link and is_on_host(link, hosts)):
            return original_url(src, link, hosts)
        return None

    def _photo_path(self, url: str, slug: str) -> Path:
        """`content/images/<slug>/<name of the original>`, unique within the import."""
        name = unquote(unquote(PurePosixPath(urlsplit(url).path).name)) or "photo"
        stem, suffix = os.path.splitext(name)
        suffix = suffix.lower() if suffix.lower() in IMAGE_SUFFIXES else ".jpg"
        stem = slugify(stem, regex_subs=[(r"[^\w-]", "-"), (r"[-\s]+", "-")]).strip("-")
        folder = self.options.content / "images" / slug
        candidate, number = folder / f"{stem or 'photo'}{suffix}", 2
        while candidate in self.taken_paths:
            candidate = folder / f"{stem or 'photo'}-{number}{suffix}"
            number += 1
        self.taken_paths.add(candidate)
        return candidate

    def fetch_photos(self) -> set[str]:
        """Download the photos not already imported; the addresses available locally."""
        available = {
            url
            for url, path in self.photo_paths.items()
            if self._relative(path) in self.manifest and path.exists()
        }
        wanted = [url for url in self.photo_paths if url not in available]
        if not self.options.download_images:
            self.report.images_remote = wanted
            return available
        if self.options.dry_run:
            self.report.written["photos"] += len(wanted)
            return available | set(wanted)
        downloads = download_all(
            wanted, self.options.timeout, self._progress("Downloading photos", len(wanted))
        )
        self.report.image_failures = downloads.failures
        self.report.image_retries = downloads.retries
        self.report.images_downloaded = len(downloads.data)
        for url, data in downloads.data.items():
            self.files.append(PlannedFile(self.photo_paths[url], data, "photos", _digest(url)))
        return available | set(downloads.data)

    def new_address(self, href: str) -> str | None:
        """A link to the blog on Blogger (a post or page, one of its comments, a label's
        page; on any of Blogger's domains, mobile `?m=1` or not) as a link to its file or tag
        here (the build writes its new address); None for any other link."""
        parts = urlsplit(href)
        host = (parts.hostname or "").lower()
        # Blogger's own addresses: name.blogspot.com and the country ones (.blogspot.co.uk …).
        if not (host.endswith(".blogspot.com") or ".blogspot." in host):
            return None
        path = unquote(parts.path)
        if path.startswith(LABEL_PAGE):
            key = _label(path.removeprefix(LABEL_PAGE)).casefold()
            return f"{{tag}}{_tag_slug(self.tags[key])}" if key in self.shown_tags else None
        if path not in self.moved:
            return None
        target = self.moved[path]
        fragment = parts.fragment
        comment = COMMENT_FRAGMENT.fullmatch(fragment)
        if comment is not None:  # a link to a comment: to its place, if it is imported
            shown = (target.slug, comment.group(1)) in self.kept_comments
            fragment = f"comment-{comment.group(1)}" if shown else ""
        address = f"{{filename}}/{target.folder}/{target.slug}.md"
        return address + (f"#{fragment}" if fragment else "")

    def write_content(self, content: Content, available: set[str]) -> None:
        """Plan the Markdown file of a post or page, its photos pointing at local copies."""
        entry, slug = content.entry, content.slug
        local: dict[str, str] = {}

        def shown(src: str, link: str | None) -> tuple[str, bool] | None:
            original = self._original(src, link)
            if original is None:
                return None
            to_original = link is not None and is_on_host(link, self.options.image_hosts)
            if original in available:
                address = "{static}/" + self._relative(self.photo_paths[original])
                for end in (")", ' "'):  # `![](address)`, `![](address "title")`
                    local[f"]({address}{end}"] = f"]({original}{end}"
                return address, to_original
            return original, to_original

        body = convert(entry.html, shown, self.new_address)
        title = inert(clean_line(content.title))
        meta = [f"Title: {title}", f"Date: {self._date_text(entry.published)}"]
        updated = entry.updated.replace(microsecond=0) if entry.updated else None
        if updated and updated > entry.published.replace(microsecond=0):
            meta.append(f"Modified: {self._date_text(entry.updated)}")
        if entry.author:
            meta.append(f"Author: {inert(clean_line(entry.author))}")
        meta.append(f"Slug: {slug}")
        labels = [
            self.tags.get(_label(label).casefold(), _label(label))
            for label in entry.labels
            if _label(label)
        ]
        if labels and entry.kind == "post":
            meta.append(f"Tags: {', '.join(dict.fromkeys(labels))}")
        summary = clean_line(entry.description) or clean_line(plain_text(entry.html, 200))
        if summary and (entry.kind == "post" or entry.description):
            meta.append(f"Summary: {inert(summary)}")
        if entry.status == DRAFT:
            meta.append("Status: draft")
        if entry.path and entry.status == LIVE:
            old = entry.path
            if self.options.keep_blogger_urls:
                meta += [f"URL: {old.lstrip('/')}", f"Save_as: {old.lstrip('/')}"]
            else:
                meta.append(f"Old-URLs: {old}")
        text = "\n".join(meta) + "\n\n" + body + "\n"
        path = self.options.content / content.folder / f"{slug}.md"
        kind = f"{'' if entry.status == LIVE else entry.status + ' '}{entry.kind}s"
        planned = PlannedFile(path, text.encode(), kind, _source(text, local))
        for number, line in enumerate(text.splitlines(), 1):
            if NO_ALT in line:
                image = line.split(NO_ALT, 1)[1].split(")", 1)[0].removeprefix("{static}")
                planned.notes.append(f"{self._relative(path)}:{number}: {image}")
        self.files.append(planned)

    def plan_comment(
        self, entry: Entry, by_id: dict, by_short: dict, slugs: dict[str, tuple[str, str]]
    ) -> list[tuple[Comment, str]]:
        """The comment (and a description for messages), or nothing if it is not imported.
        Its Reply-To is checked once every comment is planned (see `write_comments`)."""

        def resolve(ref: str) -> Entry | None:
            return by_id.get(ref) or by_short.get(ref) or by_short.get(ref.rsplit("-", 1)[-1])

        def parents(node: Entry) -> tuple[Entry | None, Entry | None]:
            """The comment a comment answers (if any) and the post it belongs to (if named)."""
            targets = [target for target in map(resolve, node.parent_refs) if target]
            return (
                next((t for t in targets if t.kind == "comment"), None),
                next((t for t in targets if t.kind != "comment"), None),
            )

        parent_comment, post = parents(entry)
        node, seen = parent_comment, {entry.id}
        while post is None and node is not None and node.id not in seen:
            seen.add(node.id)
            node, post = parents(node)
        slug, title = slugs.get(post.id, (None, "")) if post is not None else (None, "")
        if slug is None:
            self.report.skipped["comments on posts not imported"] += 1
            return []
        moment = entry.published or entry.updated
        author = clean_line(entry.author) or "Anonymous"
        when = f"{self._local(moment):%Y-%m-%d %H:%M}" if moment else "no date"
        where = f"comment by {author!r} on {title!r} ({when})"
        if self._skip(entry, where):
            return []
        if moment is None:
            self.report.warnings.append(f"{where}: no valid date; not imported")
            self.report.skipped["undated comments"] += 1
            return []
        if DANGEROUS.search(entry.author) or BIDI_CONTROLS.intersection(entry.author):
            self.report.warnings.append(
                f"{where}: the name held line breaks, control or text-direction characters; "
                "they were removed"
            )
        if "<script" in entry.html.lower():
            self.report.warnings.append(f"{where}: a script in it was removed")
        website, dropped = _website(entry.author_uri)
        if dropped:
            self.report.warnings.append(
                f"{where}: website {entry.author_uri!r} is not a web address; "
                "kept the comment without it"
            )
        if len(author) > MAX_AUTHOR:
            self.report.warnings.append(f"{where}: name cut to {MAX_AUTHOR} characters")
            author = author[:MAX_AUTHOR].rstrip()
        if parent_comment is None and any(resolve(ref) is None for ref in entry.parent_refs):
            self.report.warnings.append(
                f"{where}: it answers a comment that is not in the export; kept at the top of "
                "the thread"
            )
        html = images_as_links(entry.html)
        try:
            comment = make_comment(
                post_slug=slug,
                author=author,
                body=convert(html) or plain_text(html) or "(empty comment)",
                date=self._local(moment),
                parent=parent_comment.short_id if parent_comment is not None else None,
                website=website,
                comment_id=entry.short_id if is_valid_id(entry.short_id) else None,
                role="author" if _same_profile(entry.author_uri, post.author_uri) else None,
                max_body=None,
            )
        except CommentError as error:
            self.report.warnings.append(f"{where}: {error}; not imported")
            self.report.skipped["unreadable comments"] += 1
            return []
        return [(comment, where)]

    def write_comments(self, planned: list[tuple[Comment, str]]) -> None:
        """Plan the comments' files; a reply to a comment that is not imported (removed,
        skipped or unreadable) is kept at the top of its thread, with a warning."""
        kept = self.kept_comments = {(comment.post_slug, comment.id) for comment, _ in planned}
        comments = self.options.content / self.options.comments_path
        for comment, where in planned:
            if comment.parent and (comment.post_slug, comment.parent) not in kept:
                self.report.warnings.append(
                    f"{where}: it answers comment {comment.parent}, which is not imported; "
                    "kept at the top of the thread"
                )
                comment.parent = None
            try:
                path = comment_path(comments, comment.post_slug, comment.id)
            except CommentError as error:
                self.report.warnings.append(f"{where}: {error}; not imported")
                self.report.skipped["unreadable comments"] += 1
                continue
            text = format_comment(comment)
            self.files.append(PlannedFile(path, text.encode(), "comments", _source(text, {})))

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.options.content).as_posix()

    def _read_manifest(self) -> dict[str, dict[str, str]]:
        try:
            files = json.loads(self.manifest_path.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return {}
        if not isinstance(files, dict):
            return {}
        if not any((self.options.content / name).exists() for name in files):
            return {}  # everything it lists is gone: a fresh start
        return files

    def write(self) -> None:
        for planned in self.files:
            self._write_one(planned)
        if not self.options.dry_run and self.manifest:
            text = json.dumps({"files": self.manifest}, indent=1, sort_keys=True) + "\n"
            write_whole(self.manifest_path, text, replace=True)

    def _photos_to_relink(self, text: bytes) -> list[tuple[str, str]]:
        """The Blogger photos a file still shows that are now downloaded: (address, local)."""
        shown = text.decode("utf-8", errors="replace")
        return [
            (remote, "{static}/" + self._relative(path))
            for remote, path in self.photo_paths.items()
            if remote in shown and path.exists()
        ]

    def _write_one(self, planned: PlannedFile) -> None:
        relative = self._relative(planned.path)
        record = self.manifest.get(relative)
        shown = str(planned.path)
        written = {"sha256": _digest(planned.data), "source": planned.source}
        if not planned.path.exists():
            if record is not None:
                self.report.kept_removed.append(shown)
                return
            self.report.written[planned.kind] += 1
        else:
            current = planned.path.read_bytes()
            if current == planned.data:
                self.report.unchanged += 1
                self.report.missing_alt += planned.notes
                self.manifest[relative] = written
                return
            if record is None:
                self.report.kept_foreign.append(shown)
                return
            if _digest(current) != record.get("sha256"):
                self.report.kept_edited.append(shown)
                self.report.photos_to_relink[shown] = self._photos_to_relink(current)
                return
            if record.get("source") != planned.source and not self.options.update:
                self.report.outdated.append(shown)
                return
            self.report.updated[planned.kind] += 1
        self.report.missing_alt += planned.notes
        if not self.options.dry_run:
            write_whole(planned.path, planned.data, replace=planned.path.exists())
            self.manifest[relative] = written


def import_blogger(export: Path, options: ImportOptions) -> Report:
    """Import `export` into `options.content`; raises ExportError for files that cannot be."""
    return BloggerImport(export, options).run()


def _counted(count: int, kind: str) -> str:
    """`3 posts`, `1 draft post`: `kind` is plural."""
    return f"{count} {kind if count != 1 else kind.removesuffix('s')}"
