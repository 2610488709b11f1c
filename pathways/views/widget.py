"""Put `popular_posts` in the template context: the top posts per window, or an honest fallback.

Views come from `POPULAR_POSTS_SOURCES` (access logs, CSV exports, the comment service's
view export; globs relative to the content folder), read again only when they or what they
are counted for changed (see `kept_views`). Without any view data the widget ranks
by comment count, then recency, and says so ("Most discussed" / "Recent posts"), or hides
itself when `POPULAR_POSTS_FALLBACK = "hide"`.
"""

import logging
import re
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator

from pathways.plugin_support import blog_timezone, build_cache
from pathways.settings import read
from pathways.views.kept_views import read_views
from pathways.views.ranking import (
    post_paths,
    rank_windows,
    reference_time,
    site_hosts,
    whole_days,
    window_label,
)
from pathways.views.settings import POPULAR_POSTS, view_sources

logger = logging.getLogger(__name__)

FIRST_IMAGE = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')


def _thumbnail(article: Any) -> str | None:
    if getattr(article, "image", None):
        return article.image
    match = FIRST_IMAGE.search(article.content or "")
    return match.group(1) if match else None


def _entry(article: Any, views: int | None, config: dict) -> dict:
    return {
        "article": article,
        "views": views,
        "thumbnail": _thumbnail(article) if config["POPULAR_POSTS_THUMBNAIL"] else None,
    }


def popular_posts(articles: list, settings: dict) -> dict | None:
    """The widget's content, or None when it should not be shown."""
    config = read(settings, POPULAR_POSTS)
    zone = blog_timezone(settings)
    now = reference_time(config["POPULAR_POSTS_TODAY"], zone)
    sources = view_sources(config, settings)
    views = read_views(
        build_cache(settings),
        sources,
        post_paths(articles, config["POPULAR_POSTS_REDIRECTS"]),
        now,
        config["POPULAR_POSTS_WINDOWS"],
        base=Path(settings["PATH"]),
        timezone=zone,
        whole_days=whole_days(config["POPULAR_POSTS_TODAY"]),
        hosts=site_hosts(config["POPULAR_POSTS_HOSTS"], settings.get("SITEURL") or ""),
        load=bool(settings["LOAD_CONTENT_CACHE"]),
    )
    for pattern in views.missing:
        logger.warning("POPULAR_POSTS_SOURCES: nothing matches %s", pattern)
    for problem in views.problems:
        logger.warning("Popular Posts: %s", problem)
    if sources and not views.total() and len(views.missing) < len(sources):
        read_any = views.logs.read + views.rows.read
        logger.warning(
            "Popular Posts: no view counted in %s line(s) or row(s) of POPULAR_POSTS_SOURCES "
            "up to %s; showing the fallback (`pathways views report` says why)",
            f"{read_any:,}",
            now.isoformat(timespec="seconds"),
        )
    widget = {
        "snippet": config["POPULAR_POSTS_SNIPPET"],
        "thumbnail": config["POPULAR_POSTS_THUMBNAIL"],
    }
    if views.total():
        by_slug = {article.slug: article for article in articles}
        windows = [
            {
                "key": window,
                "label": window_label(window),
                "entries": [_entry(by_slug[e.key], e.views, config) for e in ranked],
            }
            for window, ranked in rank_windows(articles, views, config, now)
        ]
        return {**widget, "heading": "Popular Posts", "windows": windows, "source": "views"}
    if config["POPULAR_POSTS_FALLBACK"] == "hide" or not articles:
        return None
    ranked = sorted(articles, key=lambda a: (-getattr(a, "comment_count", 0), -a.date.timestamp()))
    discussed = getattr(ranked[0], "comment_count", 0) > 0
    entries = [_entry(a, None, config) for a in ranked[: config["POPULAR_POSTS_COUNT"]]]
    return {
        **widget,
        "heading": "Most discussed" if discussed else "Recent posts",
        "windows": [{"key": "all", "label": None, "entries": entries}],
        "source": "fallback",
    }


def add_to_context(generators: list) -> None:
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            generator.context["popular_posts"] = popular_posts(
                generator.articles, generator.settings
            )


def register() -> None:
    signals.all_generators_finalized.connect(add_to_context)
