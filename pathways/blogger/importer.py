"""Move a Blogger blog into the site: posts, pages, drafts, labels, comments, images, old URLs.

`import_blogger()` plans every file first, then writes them (or, in a dry run, only reports).
Running it again changes nothing: a file that exists with the same text is left alone, and
one that differs (edited since) is never overwritten but reported. Deleted and spam entries
are skipped and counted. Blogger-hosted images are downloaded next to their post when the
network allows; a failed download keeps the remote address and is listed at the end.
"""

import logging
import os
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from pelican.utils import slugify

from pathways.blogger.export import DRAFT, LIVE, Entry, read_export
from pathways.blogger.html_to_markdown import convert, image_urls, plain_text
from pathways.comments.model import (
    CommentError,
    clean_line,
    comment_path,
    format_comment,
    is_valid_id,
    make_comment,
)
from pathways.comments.settings import COMMENTS
from pathways.files import write_new

logger = logging.getLogger(__name__)

BLOGGER_IMAGE_HOSTS = ("blogger.googleusercontent.com", "bp.blogspot.com")
PROFILE_HOSTS = ("www.blogger.com", "blogger.com", "draft.blogger.com")
MAX_IMAGE_BYTES = 20 * 1024 * 1024
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".bmp"}


@dataclass
class ImportOptions:
    content: Path
    comments_path: str = COMMENTS.defaults()["COMMENTS_PATH"]
    keep_blogger_urls: bool = False
    download_images: bool = True
    image_hosts: tuple[str, ...] = BLOGGER_IMAGE_HOSTS
    dry_run: bool = False
    timeout: float = 10.0


@dataclass
class Report:
    format: str = ""
    written: Counter = field(default_factory=Counter)
    unchanged: int = 0
    kept_edited: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    image_failures: list[str] = field(default_factory=list)
    images_downloaded: int = 0

    def lines(self, dry_run: bool) -> list[str]:
        verb = "Would write" if dry_run else "Wrote"
        done = ", ".join(f"{count} {kind}" for kind, count in sorted(self.written.items()))
        lines = [f"Blogger export ({self.format} format). {verb}: {done or 'nothing'}."]
        if self.unchanged:
            lines.append(f"Unchanged (already imported): {self.unchanged} files.")
        if self.images_downloaded:
            lines.append(f"Images downloaded: {self.images_downloaded}.")
        if self.skipped:
            parts = ", ".join(f"{count} {why}" for why, count in sorted(self.skipped.items()))
            lines.append(f"Skipped: {parts}.")
        for path in self.kept_edited:
            lines.append(f"Kept your edited file (not overwritten): {path}")
        for warning in self.warnings:
            lines.append(f"Warning: {warning}")
        if self.image_failures:
            lines.append("Images that could not be downloaded (the remote address is kept):")
            lines += [f"  {failure}" for failure in self.image_failures]
        return lines


@dataclass
class PlannedFile:
    path: Path
    text: str | bytes
    kind: str


def _one_line(value: str) -> str:
    return clean_line(value).replace(",", " ") if value else ""


def _date_text(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="minutes")


class BloggerImport:
    """One import run: plans files from the export's entries, then writes them."""

    def __init__(self, export: Path, options: ImportOptions) -> None:
        self.export = export
        self.options = options
        self.report = Report()
        self.files: list[PlannedFile] = []
        self.slugs: dict[str, set[str]] = {"post": set(), "page": set()}
        self.downloaded: dict[str, str] = {}
        self.image_paths: set[Path] = set()

    def run(self) -> Report:
        self.report.format, entries, warnings = read_export(self.export)
        self.report.warnings += warnings
        by_id = {entry.id: entry for entry in entries}
        by_short = {entry.short_id: entry for entry in entries}
        slugs: dict[str, str] = {}
        for entry in entries:
            if entry.kind in ("post", "page"):
                slug = self.plan_content(entry)
                if slug:
                    slugs[entry.id] = slug
        for entry in entries:
            if entry.kind == "comment":
                self.plan_comment(entry, by_id, by_short, slugs)
        self.write()
        return self.report

    def _skip(self, entry: Entry) -> bool:
        if entry.status not in (LIVE, DRAFT):
            self.report.skipped[f"{entry.status} {entry.kind}s"] += 1
            return True
        return False

    def _unique_slug(self, kind: str, wanted: str) -> str:
        slug, number = wanted, 2
        while slug in self.slugs[kind]:
            slug = f"{wanted}-{number}"
            number += 1
        self.slugs[kind].add(slug)
        return slug

    def plan_content(self, entry: Entry) -> str | None:
        """Plan a post's or page's Markdown file; returns its slug, or None if skipped."""
        if self._skip(entry):
            return None
        where = f"{entry.kind} {entry.line_hint} ({entry.path or entry.id})"
        if entry.published is None:
            self.report.warnings.append(f"{where}: no valid date; not imported")
            self.report.skipped[f"undated {entry.kind}s"] += 1
            return None
        title = entry.title
        if not title:
            title = f"Untitled, {entry.published:%B %-d, %Y}"
            self.report.warnings.append(f"{where}: no title; named {title!r}")
        stem = PurePosixPath(entry.path).stem if entry.path else ""
        wanted = slugify(stem or title, regex_subs=[(r"[^\w\s-]", ""), (r"[-\s]+", "-")])
        wanted = wanted or f"{entry.kind}-{entry.short_id}"
        slug = self._unique_slug(entry.kind, wanted)
        if slug != wanted:
            self.report.warnings.append(f"{where}: slug {wanted!r} is taken; using {slug!r}")
        if not entry.html.strip():
            self.report.warnings.append(f"{where}: empty body")
        folder = "posts" if entry.kind == "post" else "pages"
        body = convert(entry.html, self._image_rewriter(entry.html, slug))
        meta = [f"Title: {clean_line(title)}", f"Date: {_date_text(entry.published)}"]
        if entry.updated and entry.updated.replace(second=0, microsecond=0) > entry.published:
            meta.append(f"Modified: {_date_text(entry.updated)}")
        if entry.author:
            meta.append(f"Author: {_one_line(entry.author)}")
        meta.append(f"Slug: {slug}")
        labels = [_one_line(label) for label in entry.labels if _one_line(label)]
        if labels and entry.kind == "post":
            meta.append(f"Tags: {', '.join(dict.fromkeys(labels))}")
        if entry.kind == "post" and entry.html.strip():
            meta.append(f"Summary: {clean_line(plain_text(entry.html, 200))}")
        if entry.status == DRAFT:
            meta.append("Status: draft")
        if entry.path and entry.status == LIVE:
            old = entry.path
            if self.options.keep_blogger_urls:
                meta += [f"URL: {old.lstrip('/')}", f"Save_as: {old.lstrip('/')}"]
            else:
                meta.append(f"Old-URLs: {old}")
        text = "\n".join(meta) + "\n\n" + body + "\n"
        path = self.options.content / folder / f"{slug}.md"
        kind = f"{'draft ' if entry.status == DRAFT else ''}{entry.kind}s"
        self.files.append(PlannedFile(path, text, kind))
        return slug

    def plan_comment(
        self, entry: Entry, by_id: dict, by_short: dict, slugs: dict[str, str]
    ) -> None:
        if self._skip(entry):
            return

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
        if parent_comment is not None and parent_comment.status != LIVE:
            parent_comment = None
        slug = slugs.get(post.id) if post is not None else None
        if slug is None:
            self.report.skipped["comments on posts not imported"] += 1
            return
        website = entry.author_uri
        if urlsplit(website).hostname in PROFILE_HOSTS:
            website = ""
        try:
            comment = make_comment(
                post_slug=slug,
                author=entry.author or "Anonymous",
                body=convert(entry.html) or plain_text(entry.html) or "(empty comment)",
                date=entry.published,
                parent=parent_comment.short_id if parent_comment is not None else None,
                website=website or None,
                comment_id=entry.short_id if is_valid_id(entry.short_id) else None,
            )
            path = comment_path(self.options.content / self.options.comments_path, slug, comment.id)
        except CommentError as error:
            self.report.warnings.append(f"comment {entry.line_hint}: {error}; not imported")
            self.report.skipped["unreadable comments"] += 1
            return
        self.files.append(PlannedFile(path, format_comment(comment), "comments"))

    def _image_rewriter(self, html: str, slug: str):
        """Download the post's Blogger-hosted images; map their URLs to the local copies."""
        local: dict[str, str] = {}
        for url in image_urls(html):
            host = urlsplit(url).netloc
            if not any(host == h or host.endswith("." + h) for h in self.options.image_hosts):
                continue
            if url in self.downloaded:
                local[url] = self.downloaded[url]
                continue
            target = self._image_path(url, slug)
            if target is None:
                continue
            if self.options.download_images and not self.options.dry_run:
                data = self._download(url)
                if data is None:
                    continue
                self.files.append(PlannedFile(target, data, "images"))
            address = "{static}/" + target.relative_to(self.options.content).as_posix()
            local[url] = self.downloaded[url] = address
        return lambda url: local.get(url, url)

    def _image_path(self, url: str, slug: str) -> Path | None:
        name = unquote(PurePosixPath(urlsplit(url).path).name) or "image"
        stem, suffix = os.path.splitext(name)
        suffix = suffix.lower() if suffix.lower() in IMAGE_SUFFIXES else ".jpg"
        stem = slugify(stem, regex_subs=[(r"[^\w-]", ""), (r"[-\s]+", "-")]) or "image"
        folder = self.options.content / "images" / slug
        candidate, number = folder / f"{stem}{suffix}", 2
        while candidate in self.image_paths:
            candidate = folder / f"{stem}-{number}{suffix}"
            number += 1
        self.image_paths.add(candidate)
        return candidate

    def _download(self, url: str) -> bytes | None:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "pathways-import"})
            with urllib.request.urlopen(request, timeout=self.options.timeout) as response:
                data = response.read(MAX_IMAGE_BYTES + 1)
            if len(data) > MAX_IMAGE_BYTES:
                raise ValueError("larger than 20 MB")
        except (OSError, ValueError) as error:
            self.report.image_failures.append(f"{url}: {error}")
            return None
        self.report.images_downloaded += 1
        return data

    def write(self) -> None:
        for planned in self.files:
            data = planned.text.encode("utf-8") if isinstance(planned.text, str) else planned.text
            if planned.path.exists():
                if planned.path.read_bytes() == data:
                    self.report.unchanged += 1
                else:
                    self.report.kept_edited.append(str(planned.path))
                continue
            self.report.written[planned.kind] += 1
            if not self.options.dry_run:
                write_new(planned.path, data)


def import_blogger(export: Path, options: ImportOptions) -> Report:
    """Import `export` into `options.content`; raises ExportError for files that cannot be."""
    return BloggerImport(export, options).run()
