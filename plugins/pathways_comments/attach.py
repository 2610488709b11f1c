"""Read approved comments from `content/comments/<post-slug>/`, check them, attach threads.

Each post gets `comments` (the reply tree), `comment_count` and `comments_open`; the
template context gets `comment_total`. A comment file with a problem is reported with its
path and left out; `COMMENTS_STRICT = True` (set for production) makes problems fail the
build. The build also writes `COMMENTS_INDEX_SAVE_AS`, the posts that accept comments, for
the comment service.
"""

import json
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican import signals

from pathways.comments.model import (
    FIELD_LIMITS,
    Comment,
    CommentError,
    parse_comment,
    render_body,
)
from pathways.plugin_support import (
    blog_timezone,
    build_workers,
    fast_build,
    parallel_map,
    start_build_thread,
)

from .cache import CommentCache
from .threads import ancestry, build_threads, count

logger = logging.getLogger(__name__)

COMMENT_SUFFIXES = (".md", ".markdown")


Report = Callable[..., None]


def _report(settings: dict, message: str, *args: object) -> None:
    level = logging.ERROR if settings["COMMENTS_STRICT"] else logging.WARNING
    logger.log(level, message + "; the comment is left out.", *args)


def read_post_comments(
    folder: Path,
    slug: str,
    settings: dict,
    cache: CommentCache | None = None,
    report: Report = _report,
) -> list[Comment]:
    """Every valid comment file of one post; problems are reported (`report(settings,
    message, *args)`), never fatal here.

    Comments from `cache` come rendered; the others have no `html` yet (and are added to
    the cache, which keeps them as they are when it is saved)."""
    comments: dict[str, Comment] = {}
    paths = [path for path in folder.iterdir() if path.suffix in COMMENT_SUFFIXES]
    for path in sorted(paths, key=lambda p: (p.stem, COMMENT_SUFFIXES.index(p.suffix))):
        comment = cache.get(path) if cache else None
        if comment is None:
            try:
                comment = parse_comment(
                    path.read_text(encoding="utf-8"), post_slug=slug, comment_id=path.stem
                )
            except (CommentError, UnicodeDecodeError) as error:
                report(settings, "%s: %s", path, error)
                continue
            if cache:
                cache.put(path, comment)
        if comment.id in comments:
            report(settings, "%s: duplicate comment id %r", path, comment.id)
            continue
        comments[comment.id] = comment
    by_id = {comment.id: comment for comment in comments.values()}
    broken = [comment for comment in by_id.values() if ancestry(comment, by_id) is None]
    for comment in broken:
        report(
            settings,
            "%s: Reply-To %r is not a comment on this post (or its thread loops)",
            folder / f"{comment.id}.md",
            comment.parent,
        )
    return [comment for comment in by_id.values() if comment not in broken]


class CommentReading:
    """Every post's comment folder read in a thread of its own, while the posts are read
    (their conversion runs in worker processes, so this process mostly waits); problems
    are reported once it is known which folders belong to a post."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings
        self.root = Path(settings["PATH"]) / settings["COMMENTS_PATH"]
        self.cache = CommentCache(settings)
        self._read: dict[str, tuple[list[Comment], list[tuple]]] = {}
        self._failure: BaseException | None = None
        self._thread = start_build_thread(self._read_all, "comment reading")

    def _read_all(self) -> None:
        try:
            self._read_folders()
        except BaseException as error:  # raised again in the build's own thread
            self._failure = error

    def _read_folders(self) -> None:
        folders = sorted(self.root.iterdir()) if self.root.is_dir() else []
        for folder in folders:
            if folder.is_dir():
                problems: list[tuple] = []
                comments = read_post_comments(
                    folder,
                    folder.name,
                    self.settings,
                    self.cache,
                    partial(_collect, problems),
                )
                self._read[folder.name] = (comments, problems)

    def comments(self, slug: str) -> list[Comment]:
        """The comments of the post `slug`, with their problems reported now."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        comments, problems = self._read.get(slug, ([], []))
        for problem in problems:
            _report(self.settings, *problem)
        return comments


def _collect(problems: list[tuple], settings: dict, *problem: object) -> None:
    problems.append(problem)


def start_reading(generator: Any) -> None:
    """Start reading comments with the posts (once per build, with the speed-ups on)."""
    if fast_build(generator.settings) and not hasattr(generator, "comment_reading"):
        generator.comment_reading = CommentReading(generator.settings)


def attach_comments(generator: Any) -> None:
    settings = generator.settings
    root = Path(settings["PATH"]) / settings["COMMENTS_PATH"]
    articles = {article.slug: article for article in [*generator.articles, *generator.drafts]}
    max_depth = settings["COMMENTS_MAX_DEPTH"]
    reading = getattr(generator, "comment_reading", None)
    if reading is not None:
        cache = reading.cache
        by_article = {slug: reading.comments(slug) for slug in articles}
        # Read once; let go of, with its cache once saved, it is memory the page workers do
        # not inherit.
        generator.comment_reading = None
    else:
        cache = CommentCache(settings)
        by_article = {
            slug: read_post_comments(root / slug, slug, settings, cache)
            if (root / slug).is_dir()
            else []
            for slug in articles
        }
    unrendered = [c for comments in by_article.values() for c in comments if not c.html]
    bodies = parallel_map(
        render_body, [comment.body for comment in unrendered], build_workers(settings)
    )
    for comment, html in zip(unrendered, bodies, strict=True):
        comment.html = html
    cache.save()
    # Shown beside the post's date, so in the blog's time zone too.
    zone = ZoneInfo(blog_timezone(settings))
    for comments in by_article.values():
        for comment in comments:
            comment.date = comment.date.astimezone(zone)
    total = 0
    for slug, article in articles.items():
        comments = by_article[slug]
        article.comments = build_threads(comments, max_depth)
        article.comment_count = count(article.comments)
        article.comments_open = str(article.metadata.get("comments", "open")).lower() != "closed"
        if article.status != "draft":
            total += article.comment_count
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.is_dir() and folder.name not in articles:
                _report(settings, "%s: no post has the slug %r", folder, folder.name)
    generator.context["comment_total"] = total
    generator.context["COMMENT_LIMITS"] = FIELD_LIMITS


def _ids(threads: list[Comment]) -> list[str]:
    return [id_ for comment in threads for id_ in (comment.id, *_ids(comment.replies))]


def _authors(threads: list[Comment]) -> dict[str, str]:
    """Each comment's author by its id: the reply page says whose comment it answers."""
    authors = {}
    for comment in threads:
        authors[comment.id] = comment.author
        authors.update(_authors(comment.replies))
    return authors


def write_comments_index(generator: Any, writer: Any = None) -> None:
    """The posts that accept comments, for the service: slug, title, URL, open or closed;
    and the stylesheet its own pages use."""
    settings = generator.settings
    save_as = settings["COMMENTS_INDEX_SAVE_AS"]
    if not save_as:
        return
    posts = {
        article.slug: {
            "title": Markup(article.title).striptags(),
            "url": article.url,
            "open": article.comments_open,
            "comments": sorted(_ids(article.comments)),
            "authors": _authors(article.comments),
        }
        for article in generator.articles
    }
    path = Path(generator.output_path) / save_as
    path.parent.mkdir(parents=True, exist_ok=True)
    # The service's own pages use the site's stylesheet; production renames it by content.
    stylesheet = f"/{settings.get('THEME_STATIC_DIR', 'theme')}/css/style.css"
    index = {"posts": posts, "stylesheet": stylesheet}
    path.write_text(json.dumps(index, indent=1, sort_keys=True), encoding="utf-8")


def register() -> None:
    # After the Markdown reader's receiver, which forks the workers that convert posts
    # (pathways.plugin_order): no process is forked while this thread runs (fork_context).
    signals.article_generator_preread.connect(start_reading)
    signals.article_generator_finalized.connect(attach_comments)
    signals.article_writer_finalized.connect(write_comments_index)
